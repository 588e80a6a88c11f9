/// The fields every visual sample entry starts with (ISO/IEC 14496-12 §12.1.3), read and written
/// once for `avc1`/`avc3` and `hvc1`/`hev1` alike; the codec's configuration box follows them.
///
/// ```
/// class VisualSampleEntry(codingname) extends SampleEntry (codingname) {
///   const unsigned int(8)[6] reserved = 0; unsigned int(16) data_reference_index;
///   unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0;
///   unsigned int(32)[3] pre_defined = 0;
///   unsigned int(16) width; unsigned int(16) height;
///   template unsigned int(32) horizresolution = 0x00480000; // 72 dpi
///   template unsigned int(32) vertresolution = 0x00480000;
///   const unsigned int(32) reserved = 0;
///   template unsigned int(16) frame_count = 1;
///   string[32] compressorname;
///   template unsigned int(16) depth = 0x0018;
///   int(16) pre_defined = -1;
/// }
/// ```
struct VisualSampleEntryFields: Sendable, Equatable {
    var dataReferenceIndex: UInt16
    var width: UInt16
    var height: UInt16
    var horizontalResolution: UInt32
    var verticalResolution: UInt32
    var frameCount: UInt16
    /// Up to 31 bytes (a Pascal string in 32).
    var compressorName: [UInt8]
    var depth: UInt16

    init(
        dataReferenceIndex: UInt16, width: UInt16, height: UInt16, horizontalResolution: UInt32, verticalResolution: UInt32,
        frameCount: UInt16, compressorName: [UInt8], depth: UInt16
    ) {
        self.dataReferenceIndex = dataReferenceIndex
        self.width = width
        self.height = height
        self.horizontalResolution = horizontalResolution
        self.verticalResolution = verticalResolution
        self.frameCount = frameCount
        self.compressorName = compressorName
        self.depth = depth
    }

    init(parsing body: inout BoxBodyReader) throws {
        try body.skip(6, "reserved")
        dataReferenceIndex = try body.readUInt16("data_reference_index")
        try body.skip(2 + 2 + 12, "pre_defined")
        width = try body.readUInt16("width")
        height = try body.readUInt16("height")
        horizontalResolution = try body.readUInt32("horizresolution")
        verticalResolution = try body.readUInt32("vertresolution")
        try body.skip(4, "reserved")
        frameCount = try body.readUInt16("frame_count")
        let name = try body.readBytes(32, "compressorname")
        compressorName = Array(name.dropFirst().prefix(min(Int(name.first ?? 0), 31)))
        depth = try body.readUInt16("depth")
        try body.skip(2, "pre_defined")
    }

    func write(into writer: inout ByteWriter) {
        writer.writeZeros(6)
        writer.write(dataReferenceIndex)
        writer.writeZeros(2 + 2 + 12)
        writer.write(width)
        writer.write(height)
        writer.write(horizontalResolution)
        writer.write(verticalResolution)
        writer.write(UInt32(0))
        writer.write(frameCount)
        let name = compressorName.prefix(31)
        writer.write(UInt8(name.count))
        writer.write(name)
        writer.writeZeros(31 - name.count)
        writer.write(depth)
        writer.write(UInt16(0xffff))
    }
}
