/// Sample entries inside `stsd`: `avc1` + `avcC` for H.264, `mp4a` + `esds` for AAC.
enum SampleEntry {
    static func write(_ writer: inout ByteWriter, _ format: TrackFormat) {
        switch format {
        case .video(.h264(let avcC), let width, let height, _):
            writeAVC1(&writer, avcC: avcC, width: width, height: height)
        case .audio(.aac(let asc), let sampleRate, let channels, _):
            writeMP4A(&writer, asc: asc, sampleRate: sampleRate, channels: channels)
        }
    }

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
    static func writeAVC1(_ writer: inout ByteWriter, avcC: AVCDecoderConfigurationRecord, width: Int, height: Int) {
        writer.box("avc1") { entry in
            entry.writeZeros(6)
            entry.write(UInt16(1))  // data_reference_index
            entry.writeZeros(2 + 2 + 12)
            entry.write(UInt16(clamping: width))
            entry.write(UInt16(clamping: height))
            entry.write(UInt32(0x0048_0000))
            entry.write(UInt32(0x0048_0000))
            entry.write(UInt32(0))
            entry.write(UInt16(1))  // frame_count
            entry.writeZeros(32)  // compressorname: empty Pascal string
            entry.write(UInt16(0x0018))
            entry.write(UInt16(0xffff))
            entry.box("avcC") { $0.write(avcC.serialized()) }
        }
    }

    /// ```
    /// class AudioSampleEntry(codingname) extends SampleEntry (codingname) {
    ///   const unsigned int(8)[6] reserved = 0; unsigned int(16) data_reference_index;
    ///   const unsigned int(32)[2] reserved = 0;
    ///   template unsigned int(16) channelcount = 2;
    ///   template unsigned int(16) samplesize = 16;
    ///   unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0 ;
    ///   template unsigned int(32) samplerate = { default samplerate of media } << 16;
    /// }
    /// ```
    static func writeMP4A(_ writer: inout ByteWriter, asc: AudioSpecificConfig, sampleRate: Int, channels: Int) {
        writer.box("mp4a") { entry in
            entry.writeZeros(6)
            entry.write(UInt16(1))  // data_reference_index
            entry.writeZeros(8)
            entry.write(UInt16(clamping: channels))
            entry.write(UInt16(16))
            entry.writeZeros(4)
            // 16.16 fixed point; rates above 65535 Hz do not fit, and the ASC in esds is authoritative.
            entry.write(sampleRate <= 0xffff ? UInt32(sampleRate) << 16 : 0)
            writeESDS(&entry, asc: asc)
        }
    }

    /// ISO/IEC 14496-1 descriptors inside `esds`:
    /// ```
    /// ES_Descriptor (tag 3): ES_ID(16) flags(8)
    ///   DecoderConfigDescriptor (tag 4): objectTypeIndication(8) = 0x40 (MPEG-4 Audio),
    ///     streamType(6) = 5 (audio), upStream(1), reserved(1) = 1, bufferSizeDB(24), maxBitrate(32), avgBitrate(32)
    ///     DecoderSpecificInfo (tag 5): AudioSpecificConfig
    ///   SLConfigDescriptor (tag 6): predefined(8) = 2 (MP4 files)
    /// ```
    static func writeESDS(_ writer: inout ByteWriter, asc: AudioSpecificConfig) {
        writer.fullBox("esds", version: 0, flags: 0) { esds in
            var decoderSpecificInfo = ByteWriter()
            decoderSpecificInfo.write(asc.bytes)

            var decoderConfig = ByteWriter()
            decoderConfig.write(UInt8(0x40))
            decoderConfig.write(UInt8(0x15))  // streamType 5 << 2 | reserved bit
            decoderConfig.write24(0)  // bufferSizeDB: unknown
            decoderConfig.write(UInt32(0))  // maxBitrate: unknown
            decoderConfig.write(UInt32(0))  // avgBitrate: unknown (variable)
            writeDescriptor(&decoderConfig, tag: 5, body: decoderSpecificInfo.bytes)

            var elementaryStream = ByteWriter()
            elementaryStream.write(UInt16(0))  // ES_ID: 0 in MP4 files (the track ID identifies it)
            elementaryStream.write(UInt8(0))  // no dependency, URL or OCR stream
            writeDescriptor(&elementaryStream, tag: 4, body: decoderConfig.bytes)
            writeDescriptor(&elementaryStream, tag: 6, body: [0x02])

            writeDescriptor(&esds, tag: 3, body: elementaryStream.bytes)
        }
    }

    /// A descriptor: tag, then the size in 7-bit groups (high bit = more follow), then the body.
    static func writeDescriptor(_ writer: inout ByteWriter, tag: UInt8, body: [UInt8]) {
        writer.write(tag)
        var groups: [UInt8] = []
        var size = body.count
        repeat {
            groups.insert(UInt8(size & 0x7f), at: 0)
            size >>= 7
        } while size > 0
        for (index, group) in groups.enumerated() {
            writer.write(index < groups.count - 1 ? group | 0x80 : group)
        }
        writer.write(body)
    }
}
