/// Limits on hostile or corrupt input to the codec parsers. Each is far above anything a real
/// encoder produces, and low enough that a forged length or count cannot make us allocate or
/// loop without bound.
public enum CodecLimits {
    /// Largest NAL unit we accept. An uncompressed 8K 4:4:4 8-bit picture is about 95 MiB, so a
    /// bigger single NAL unit can only be a corrupt or forged length.
    public static let maxNALUnitSize = 128 * 1024 * 1024

    /// Largest SPS or PPS NAL unit. The biggest the syntax allows (twelve explicit 8×8 scaling
    /// lists, two full HRDs, every emulation-prevention byte) is about 4 KiB.
    public static let maxParameterSetSize = 8 * 1024

    /// SPSs in one avcC: numOfSequenceParameterSets is a 5-bit field (and seq_parameter_set_id ≤ 31).
    public static let maxSequenceParameterSets = 31

    /// PPSs in one avcC: numOfPictureParameterSets is an 8-bit field.
    public static let maxPictureParameterSets = 255

    /// Largest AudioSpecificConfig. One with a full program config element and a 255-byte
    /// comment is under 400 bytes; real ones are 2 to 7 bytes.
    public static let maxAudioSpecificConfigSize = 1024

    /// Macroblocks in one picture: MaxFS of level 6.2, the highest H.264 level (Table A-1).
    public static let maxMacroblocksPerPicture = 139_264

    /// Macroblocks across or down a picture: √(8 · MaxFS) of level 6.2 (§A.3.1 item f).
    public static let maxMacroblocksPerDimension = 1_055
}
