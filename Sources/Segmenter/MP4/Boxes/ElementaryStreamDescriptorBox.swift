/// `esds`: the MPEG-4 ES_Descriptor of an `mp4a` entry (ISO/IEC 14496-14 §6.7.2, descriptors
/// from ISO/IEC 14496-1 §7.2.6). Each descriptor is a tag, a size in 7-bit groups (high bit:
/// more follow) and a body.
///
/// ```
/// aligned(8) class ESDBox extends FullBox('esds', version = 0, 0) { ES_Descriptor ES; }
/// class ES_Descriptor extends BaseDescriptor : bit(8) tag=ES_DescrTag (3) {
///   bit(16) ES_ID;
///   bit(1) streamDependenceFlag; bit(1) URL_Flag; bit(1) OCRstreamFlag; bit(5) streamPriority;
///   if (streamDependenceFlag) bit(16) dependsOn_ES_ID;
///   if (URL_Flag) { bit(8) URLlength; bit(8) URLstring[URLlength]; }
///   if (OCRstreamFlag) bit(16) OCR_ES_Id;
///   DecoderConfigDescriptor decConfigDescr;
///   SLConfigDescriptor slConfigDescr;
///   ...
/// }
/// class DecoderConfigDescriptor extends BaseDescriptor : bit(8) tag=DecoderConfigDescrTag (4) {
///   bit(8) objectTypeIndication; bit(6) streamType; bit(1) upStream; const bit(1) reserved=1;
///   bit(24) bufferSizeDB; bit(32) maxBitrate; bit(32) avgBitrate;
///   DecoderSpecificInfo decSpecificInfo[0 .. 1];   // tag 5: the AudioSpecificConfig (AAC); none for MP3
///   ...
/// }
/// class SLConfigDescriptor extends BaseDescriptor : bit(8) tag=SLConfigDescrTag (6) {
///   bit(8) predefined;  // 2: reserved for use in MP4 files
///   ...
/// }
/// ```
/// Descriptors we do not read (IPI, language, profile-level indications) are skipped; sizes are
/// written in as few groups as they need.
public struct ElementaryStreamDescriptorBox: MP4Box {
    public static let boxType: FourCC = "esds"
    static let esDescriptorTag: UInt8 = 3
    static let decoderConfigTag: UInt8 = 4
    static let decoderSpecificInfoTag: UInt8 = 5
    static let slConfigTag: UInt8 = 6

    public var esID: UInt16
    public var streamPriority: UInt8
    public var dependsOnESID: UInt16?
    public var url: [UInt8]?
    public var ocrESID: UInt16?
    public var decoderConfig: DecoderConfigDescriptor
    /// SLConfigDescriptor.predefined; nil when the descriptor is absent.
    public var slConfigPredefined: UInt8?

    public init(
        esID: UInt16 = 0, streamPriority: UInt8 = 0, dependsOnESID: UInt16? = nil, url: [UInt8]? = nil, ocrESID: UInt16? = nil,
        decoderConfig: DecoderConfigDescriptor, slConfigPredefined: UInt8? = 2
    ) {
        self.esID = esID
        self.streamPriority = streamPriority
        self.dependsOnESID = dependsOnESID
        self.url = url
        self.ocrESID = ocrESID
        self.decoderConfig = decoderConfig
        self.slConfigPredefined = slConfigPredefined
    }

    /// The descriptor we write for AAC: ES_ID 0 (the track ID identifies the stream in MP4),
    /// MPEG-4 Audio, bitrates and buffer size unknown.
    public init(audioSpecificConfig: AudioSpecificConfig) {
        self.init(
            decoderConfig: DecoderConfigDescriptor(
                objectTypeIndication: DecoderConfigDescriptor.mpeg4Audio, streamType: DecoderConfigDescriptor.audioStream,
                decoderSpecificInfo: audioSpecificConfig.bytes))
    }

    /// The descriptor we write for MP3: objectTypeIndication 0x6B (MPEG-1) or 0x69 (MPEG-2 and
    /// 2.5), no DecoderSpecificInfo (each frame header configures the decoder).
    public init(mpegAudio format: MPEGAudioFormat) {
        self.init(
            decoderConfig: DecoderConfigDescriptor(
                objectTypeIndication: format.objectTypeIndication, streamType: DecoderConfigDescriptor.audioStream,
                decoderSpecificInfo: nil))
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        var reader = ByteReader(body.readRest())
        let (tag, esBody) = try Self.readDescriptor(&reader)
        guard tag == Self.esDescriptorTag else {
            throw SegmenterError(.invalidValue, "'esds' starts with descriptor tag \(tag), not an ES_Descriptor (3)")
        }
        guard reader.isAtEnd else { throw SegmenterError(.trailingBytes, "'esds' holds \(reader.remaining) bytes after its ES_Descriptor") }
        var es = ByteReader(esBody)
        esID = try es.readUInt16().orTruncated("ES_Descriptor ends before its ES_ID")
        let flags = try es.readUInt8().orTruncated("ES_Descriptor ends before its flags")
        streamPriority = flags & 0x1f
        dependsOnESID = flags & 0x80 != 0 ? try es.readUInt16().orTruncated("ES_Descriptor ends before dependsOn_ES_ID") : nil
        if flags & 0x40 != 0 {
            let length = try es.readUInt8().orTruncated("ES_Descriptor ends before URLlength")
            url = Array(try es.readBytes(Int(length)).orTruncated("ES_Descriptor ends inside its URL"))
        } else {
            url = nil
        }
        ocrESID = flags & 0x20 != 0 ? try es.readUInt16().orTruncated("ES_Descriptor ends before OCR_ES_Id") : nil
        var decoderConfig: DecoderConfigDescriptor?
        slConfigPredefined = nil
        while !es.isAtEnd {
            let (subtag, subbody) = try Self.readDescriptor(&es)
            switch subtag {
            case Self.decoderConfigTag where decoderConfig == nil:
                decoderConfig = try DecoderConfigDescriptor(parsing: subbody)
            case Self.slConfigTag where slConfigPredefined == nil:
                slConfigPredefined = try subbody.first.orTruncated("SLConfigDescriptor is empty")
            default:
                continue
            }
        }
        guard let decoderConfig else { throw SegmenterError(.invalidValue, "ES_Descriptor has no DecoderConfigDescriptor") }
        self.decoderConfig = decoderConfig
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        var es = ByteWriter(capacity: 48)
        es.write(esID)
        let flags = (dependsOnESID == nil ? 0 : 0x80) | (url == nil ? 0 : 0x40) | (ocrESID == nil ? 0 : 0x20) | streamPriority & 0x1f
        es.write(flags)
        if let dependsOnESID { es.write(dependsOnESID) }
        if let url {
            let bytes = url.prefix(255)
            es.write(UInt8(bytes.count))
            es.write(bytes)
        }
        if let ocrESID { es.write(ocrESID) }
        Self.writeDescriptor(&es, tag: Self.decoderConfigTag, body: decoderConfig.serialized())
        if let slConfigPredefined { Self.writeDescriptor(&es, tag: Self.slConfigTag, body: [slConfigPredefined]) }
        Self.writeDescriptor(&writer, tag: Self.esDescriptorTag, body: es.bytes)
    }

    /// A descriptor's tag, size (one to four 7-bit groups) and body.
    static func readDescriptor(_ reader: inout ByteReader<ArraySlice<UInt8>>) throws -> (tag: UInt8, body: ArraySlice<UInt8>) {
        let tag = try reader.readUInt8().orTruncated("a descriptor tag is cut short")
        var size = 0
        for _ in 0..<4 {
            let byte = try reader.readUInt8().orTruncated("the size of descriptor \(tag) is cut short")
            size = size << 7 | Int(byte & 0x7f)
            if byte & 0x80 == 0 { break }
        }
        let body = try reader.readBytes(size).orTruncated("descriptor \(tag) declares \(size) bytes; \(reader.remaining) remain")
        return (tag, body)
    }

    /// A descriptor: tag, then the size in 7-bit groups (high bit = more follow), then the body.
    static func writeDescriptor(_ writer: inout ByteWriter, tag: UInt8, body: [UInt8]) {
        writer.write(tag)
        var groups = 1
        while body.count >> (7 * groups) > 0 { groups += 1 }
        for group in stride(from: groups - 1, through: 0, by: -1) {
            let bits = UInt8(truncatingIfNeeded: body.count >> (7 * group)) & 0x7f
            writer.write(group > 0 ? bits | 0x80 : bits)
        }
        writer.write(body)
    }
}

/// The DecoderConfigDescriptor inside an ES_Descriptor: which decoder, and its configuration.
public struct DecoderConfigDescriptor: Sendable, Equatable {
    /// objectTypeIndication of MPEG-4 Audio (AAC and its relatives).
    public static let mpeg4Audio: UInt8 = 0x40
    /// streamType of an audio stream.
    public static let audioStream: UInt8 = 5

    public var objectTypeIndication: UInt8
    public var streamType: UInt8
    public var upStream: Bool
    public var bufferSizeDB: UInt32
    public var maxBitrate: UInt32
    public var avgBitrate: UInt32
    /// The DecoderSpecificInfo body: for MPEG-4 Audio, the AudioSpecificConfig.
    public var decoderSpecificInfo: [UInt8]?

    public init(
        objectTypeIndication: UInt8, streamType: UInt8, upStream: Bool = false, bufferSizeDB: UInt32 = 0, maxBitrate: UInt32 = 0,
        avgBitrate: UInt32 = 0, decoderSpecificInfo: [UInt8]?
    ) {
        self.objectTypeIndication = objectTypeIndication
        self.streamType = streamType
        self.upStream = upStream
        self.bufferSizeDB = bufferSizeDB
        self.maxBitrate = maxBitrate
        self.avgBitrate = avgBitrate
        self.decoderSpecificInfo = decoderSpecificInfo
    }

    init(parsing bytes: ArraySlice<UInt8>) throws {
        var reader = ByteReader(bytes)
        objectTypeIndication = try reader.readUInt8().orTruncated("DecoderConfigDescriptor is empty")
        let stream = try reader.readUInt8().orTruncated("DecoderConfigDescriptor ends before its streamType")
        streamType = stream >> 2
        upStream = stream & 0x02 != 0
        bufferSizeDB = try reader.readUInt24().orTruncated("DecoderConfigDescriptor ends before its bufferSizeDB")
        maxBitrate = try reader.readUInt32().orTruncated("DecoderConfigDescriptor ends before its maxBitrate")
        avgBitrate = try reader.readUInt32().orTruncated("DecoderConfigDescriptor ends before its avgBitrate")
        decoderSpecificInfo = nil
        while !reader.isAtEnd {
            let (tag, body) = try ElementaryStreamDescriptorBox.readDescriptor(&reader)
            if tag == ElementaryStreamDescriptorBox.decoderSpecificInfoTag && decoderSpecificInfo == nil {
                decoderSpecificInfo = Array(body)
            }
        }
    }

    func serialized() -> [UInt8] {
        var writer = ByteWriter(capacity: 32)
        writer.write(objectTypeIndication)
        writer.write(streamType << 2 | (upStream ? 0x02 : 0) | 0x01)
        writer.write24(bufferSizeDB)
        writer.write(maxBitrate)
        writer.write(avgBitrate)
        if let decoderSpecificInfo {
            ElementaryStreamDescriptorBox.writeDescriptor(
                &writer, tag: ElementaryStreamDescriptorBox.decoderSpecificInfoTag, body: decoderSpecificInfo)
        }
        return writer.bytes
    }
}
