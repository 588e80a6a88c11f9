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
}
