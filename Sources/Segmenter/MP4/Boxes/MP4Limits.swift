/// Limits on hostile or corrupt ISO-BMFF input. Each is far above anything a real muxer writes
/// and low enough that forged sizes and counts cannot make a parser recurse, loop or allocate
/// without bound. A box's size may never exceed what remains of its parent (or of the input),
/// so no box makes the parser look past the bytes it was given.
public enum MP4Limits {
    /// Nesting depth of boxes. The deepest box we read, `avcC`, sits at depth 8
    /// (moov > trak > mdia > minf > stbl > stsd > avc1 > avcC).
    public static let maxNestingDepth = 16

    /// Boxes side by side in one parent. A moof holds one traf per track and a segment one
    /// moof/mdat pair per fragment; the cap bounds the list that a run of forged 8-byte boxes
    /// could otherwise make.
    public static let maxBoxesPerContainer = 65_536

    /// Samples in one trun, one traf, one moof and one media segment. A 10-s segment at 240 fps
    /// has 2,400 and even one sample per PCM frame for 20 s of 48 kHz audio stays below this;
    /// trun entries whose fields all come from defaults take no bytes, so without a cap a few
    /// bytes could announce billions of samples.
    public static let maxSamplesPerSegment = 1 << 20

    /// Entries in an `stsd` or `dref`. Real files carry one; the count field is 32 bits.
    public static let maxTableEntryCount = 1 << 20

    /// Entries in one sample table (stts, ctts, stss, stsc, stsz, stco, co64): as many as the
    /// samples of the longest progressive file we write (`maxProgressiveSamples`).
    public static let maxSampleTableEntries = 1 << 24

    /// Samples in one progressive MP4, all tracks together: three days of 60 fps video. Its
    /// tables take at most 44 bytes a sample, so the `moov` (built in memory) stays below
    /// 740 MiB, far from the 4 GiB a 32-bit box size allows.
    public static let maxProgressiveSamples = 1 << 24

    /// Entries in an edit list. Real files carry one or two (an empty edit, then the media);
    /// the count field is 32 bits.
    public static let maxEditListEntries = 1 << 16
}
