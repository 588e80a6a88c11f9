extension HEVCAccessUnit {
    /// The configuration this access unit starts in place of `current`, or nil when it keeps
    /// `current`: an IRAP picture (where a new SPS can take effect) carrying a complete VPS, SPS
    /// and PPS set whose SPS `current` does not have. Parameter sets that only repeat
    /// `current`'s, or that come without an IRAP picture or incomplete (a PPS update), start
    /// nothing. Throws when the new set does not parse.
    public func newConfiguration(replacing current: HEVCDecoderConfigurationRecord) throws -> HEVCDecoderConfigurationRecord? {
        guard containsIRAP, !videoParameterSets.isEmpty, !sequenceParameterSets.isEmpty, !pictureParameterSets.isEmpty,
            !ParameterSetComparison.covers(current.sequenceParameterSets, sequenceParameterSets)
        else { return nil }
        let record = try HEVCDecoderConfigurationRecord(vps: videoParameterSets, sps: sequenceParameterSets, pps: pictureParameterSets)
        _ = try record.parsedSPS()
        return record
    }
}
