/// `ftyp`: the brands a file conforms to (ISO/IEC 14496-12 §4.3).
///
/// ```
/// aligned(8) class FileTypeBox extends Box('ftyp') {
///   unsigned int(32) major_brand;
///   unsigned int(32) minor_version;
///   unsigned int(32) compatible_brands[];  // to end of the box
/// }
/// ```
public struct FileTypeBox: MP4Box {
    public static let boxType: FourCC = "ftyp"

    public var majorBrand: FourCC
    public var minorVersion: UInt32
    public var compatibleBrands: [FourCC]

    public init(majorBrand: FourCC, minorVersion: UInt32 = 0, compatibleBrands: [FourCC]) {
        self.majorBrand = majorBrand
        self.minorVersion = minorVersion
        self.compatibleBrands = compatibleBrands
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        majorBrand = try body.readFourCC("major_brand")
        minorVersion = try body.readUInt32("minor_version")
        compatibleBrands = []
        // Four bytes per brand; a remainder of one to three bytes is left for expectEnd to reject.
        while body.remaining >= 4 { compatibleBrands.append(try body.readFourCC("compatible_brands")) }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(majorBrand)
        writer.write(minorVersion)
        for brand in compatibleBrands { writer.write(brand) }
    }
}
