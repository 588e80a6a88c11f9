/// The pixel size of a thumbnail: the width asked for, and the height that keeps the source's
/// display aspect ratio (its sample aspect ratio included, so the JPEG's square pixels show
/// the picture as a player would), rounded to an even number as FFmpeg's `scale=W:-2` does.
public struct ThumbnailSize: Sendable, Equatable {
    public var width: Int
    public var height: Int

    /// The widths a request may ask for: below 16 px nothing is recognisable; above 1920 a
    /// thumbnail costs as much as a full HD picture to encode and to cache.
    public static let widths = 16...1920
    /// The tallest thumbnail made: a source whose (sample) aspect ratio asks for more is
    /// refused rather than made into an image of unbounded size.
    public static let maximumHeight = 4096

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The size for a source of `sourceWidth` × `sourceHeight` pixels with sample aspect ratio
    /// `sampleAspect` (num/den; 0 or negative parts mean unknown, taken as square), scaled to
    /// `width`. Height = round(width × display height / (display width × 2)) × 2, at least 2.
    public init(width: Int, sourceWidth: Int, sourceHeight: Int, sampleAspect: (num: Int, den: Int)) throws(IngestError) {
        guard sourceWidth > 0, sourceHeight > 0 else {
            throw IngestError(.invalidStream, "the decoded picture has no size (\(sourceWidth)x\(sourceHeight))")
        }
        let (num, den) = sampleAspect.num > 0 && sampleAspect.den > 0 ? sampleAspect : (1, 1)
        // In doubles: exact for every size a decoder gives, and no product of hostile aspect
        // parts can overflow. `rounded()` rounds halves away from zero, as `av_rescale` does.
        let halfHeight = (Double(width) * Double(sourceHeight) * Double(den) / (Double(sourceWidth) * Double(num) * 2)).rounded()
        guard halfHeight.isFinite, halfHeight * 2 <= Double(Self.maximumHeight) else {
            throw IngestError(
                .invalidStream,
                "a \(width)-pixel-wide thumbnail of this \(sourceWidth)x\(sourceHeight) picture (sample aspect \(num):\(den)) "
                    + "would be more than \(Self.maximumHeight) pixels tall")
        }
        self.init(width: width, height: max(2, Int(halfHeight) * 2))
    }
}
