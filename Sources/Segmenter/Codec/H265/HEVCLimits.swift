/// Limits on hostile or corrupt HEVC input, beside the codec-neutral `CodecLimits`. Each is far
/// above what a real encoder produces and low enough that a forged value cannot make a parser
/// allocate or loop without bound.
public enum HEVCLimits {
    /// Luma samples in one picture: MaxLumaPs of level 6.2, the highest HEVC level (Table A.8).
    public static let maxLumaPictureSize = 35_651_584

    /// Luma samples across or down a picture: √(8 · MaxLumaPs) of level 6.2 (§A.4.1 item b).
    public static let maxLumaDimension = 16_888

    /// NAL units in one array of an hvcC. There are at most 16 VPSs, 16 SPSs and 64 PPSs
    /// (their id ranges); SEI arrays of real encoders hold one or two.
    public static let maxNALUnitsPerArray = 256

    /// Sub-layers: sps_max_sub_layers_minus1 is a 3-bit field whose value 7 is forbidden.
    public static let maxSubLayers = 7
}
