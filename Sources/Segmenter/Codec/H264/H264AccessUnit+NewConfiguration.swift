extension H264AccessUnit {
    /// The configuration this access unit starts in place of `current`, or nil when it keeps
    /// `current`: an IDR picture (where a new SPS can take effect) carrying an SPS and PPS whose
    /// SPS `current` does not have. Throws when the new SPS/PPS do not parse.
    public func newConfiguration(replacing current: AVCDecoderConfigurationRecord) throws -> AVCDecoderConfigurationRecord? {
        guard containsIDR, let sps = sequenceParameterSets.first, !pictureParameterSets.isEmpty,
            !ParameterSetComparison.covers(current.sequenceParameterSets, sequenceParameterSets)
        else { return nil }
        let record = try AVCDecoderConfigurationRecord(sps: sps, pps: pictureParameterSets)
        _ = try record.parsedSPS()
        return record
    }

    /// Whether 4-byte length-prefixed NAL units hold an SPS: a walk over their lengths and
    /// header bytes, without allocating, so that the access units of a stream that sends no
    /// parameter sets in band (almost all of them) are not taken apart.
    public static func carriesSequenceParameterSet(_ lengthPrefixed: [UInt8]) -> Bool {
        lengthPrefixed.withUnsafeBytes { bytes in
            var index = 0
            while index + 4 < bytes.count {
                let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
                if H264NALUnitType(headerByte: bytes[index + 4]) == .sps { return true }
                index += 4 + length
            }
            return false
        }
    }
}
