/// Writes the initialization segment (`init.mp4`) of a fragmented MP4 stream.
///
/// ```
/// ftyp
/// moov
///   mvhd                       next_track_ID = highest track ID + 1
///   trak (per track)
///     tkhd
///     mdia
///       mdhd                   the track's timescale, duration 0 (fragments carry the samples)
///       hdlr                   vide / soun
///       minf
///         vmhd | smhd
///         dinf > dref > url    self-contained
///         stbl
///           stsd > avc1 (avcC) | mp4a (esds)
///           stts, stsc, stsz, stco   all empty
///   mvex
///     trex (per track)
/// ```
public enum InitSegment {
    /// The movie header timescale; it only scales `mvhd` durations, which are 0 here.
    static let movieTimescale: UInt32 = 1000

    public static func bytes(tracks: [Track]) -> [UInt8] {
        var writer = ByteWriter(capacity: 1024)
        writeFileType(&writer)
        writer.box("moov") { moov in
            writeMovieHeader(&moov, nextTrackID: (tracks.map(\.id).max() ?? 0) + 1)
            for track in tracks { writeTrack(&moov, track) }
            moov.box("mvex") { mvex in
                for track in tracks { writeTrackExtends(&mvex, trackID: track.id) }
            }
        }
        return writer.bytes
    }

    /// `iso6` is the first brand that defines `tfdt` v1 and signed `trun` composition offsets.
    static func writeFileType(_ writer: inout ByteWriter) {
        writer.box("ftyp") { ftyp in
            ftyp.writeFourCC("iso6")
            ftyp.write(UInt32(0))
            ftyp.writeFourCC("iso6")
            ftyp.writeFourCC("isom")
            ftyp.writeFourCC("mp41")
        }
    }

    static func writeMovieHeader(_ writer: inout ByteWriter, nextTrackID: UInt32) {
        writer.fullBox("mvhd", version: 0, flags: 0) { mvhd in
            mvhd.write(UInt32(0))  // creation_time
            mvhd.write(UInt32(0))  // modification_time
            mvhd.write(movieTimescale)
            mvhd.write(UInt32(0))  // duration: unknown, fragments follow
            mvhd.write(UInt32(0x0001_0000))  // rate 1.0
            mvhd.write(UInt16(0x0100))  // volume 1.0
            mvhd.writeZeros(2 + 8)  // reserved
            writeUnityMatrix(&mvhd)
            mvhd.writeZeros(6 * 4)  // pre_defined
            mvhd.write(nextTrackID)
        }
    }

    static func writeUnityMatrix(_ writer: inout ByteWriter) {
        for value: UInt32 in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] { writer.write(value) }
    }

    static func writeTrack(_ writer: inout ByteWriter, _ track: Track) {
        writer.box("trak") { trak in
            writeTrackHeader(&trak, track)
            trak.box("mdia") { mdia in
                mdia.fullBox("mdhd", version: 0, flags: 0) { mdhd in
                    mdhd.write(UInt32(0))  // creation_time
                    mdhd.write(UInt32(0))  // modification_time
                    mdhd.write(track.format.timescale)
                    mdhd.write(UInt32(0))  // duration
                    mdhd.write(UInt16(0x55c4))  // language "und", packed ISO-639-2/T
                    mdhd.write(UInt16(0))  // pre_defined
                }
                writeHandler(&mdia, isVideo: track.format.isVideo)
                mdia.box("minf") { minf in
                    if track.format.isVideo {
                        minf.fullBox("vmhd", version: 0, flags: 1) { $0.writeZeros(2 + 3 * 2) }
                    } else {
                        minf.fullBox("smhd", version: 0, flags: 0) { $0.writeZeros(2 + 2) }
                    }
                    minf.box("dinf") { dinf in
                        dinf.fullBox("dref", version: 0, flags: 0) { dref in
                            dref.write(UInt32(1))
                            dref.fullBox("url ", version: 0, flags: 1) { _ in }  // flag 1: media is in this file
                        }
                    }
                    writeSampleTable(&minf, track.format)
                }
            }
        }
    }

    static func writeTrackHeader(_ writer: inout ByteWriter, _ track: Track) {
        // flags: track_enabled | track_in_movie
        writer.fullBox("tkhd", version: 0, flags: 0x3) { tkhd in
            tkhd.write(UInt32(0))  // creation_time
            tkhd.write(UInt32(0))  // modification_time
            tkhd.write(track.id)
            tkhd.write(UInt32(0))  // reserved
            tkhd.write(UInt32(0))  // duration
            tkhd.writeZeros(8)  // reserved
            tkhd.write(UInt16(0))  // layer
            tkhd.write(UInt16(0))  // alternate_group
            tkhd.write(UInt16(track.format.isVideo ? 0 : 0x0100))  // volume
            tkhd.write(UInt16(0))  // reserved
            writeUnityMatrix(&tkhd)
            if case .video(_, let width, let height, _) = track.format {
                tkhd.write(UInt32(clamping: width) << 16)
                tkhd.write(UInt32(clamping: height) << 16)
            } else {
                tkhd.writeZeros(8)
            }
        }
    }

    static func writeHandler(_ writer: inout ByteWriter, isVideo: Bool) {
        writer.fullBox("hdlr", version: 0, flags: 0) { hdlr in
            hdlr.write(UInt32(0))  // pre_defined
            if isVideo { hdlr.writeFourCC("vide") } else { hdlr.writeFourCC("soun") }
            hdlr.writeZeros(3 * 4)  // reserved
            hdlr.write((isVideo ? "VideoHandler" : "SoundHandler").utf8)
            hdlr.write(UInt8(0))
        }
    }

    static func writeSampleTable(_ writer: inout ByteWriter, _ format: TrackFormat) {
        writer.box("stbl") { stbl in
            stbl.fullBox("stsd", version: 0, flags: 0) { stsd in
                stsd.write(UInt32(1))
                SampleEntry.write(&stsd, format)
            }
            stbl.fullBox("stts", version: 0, flags: 0) { $0.write(UInt32(0)) }
            stbl.fullBox("stsc", version: 0, flags: 0) { $0.write(UInt32(0)) }
            stbl.fullBox("stsz", version: 0, flags: 0) { stsz in
                stsz.write(UInt32(0))  // sample_size
                stsz.write(UInt32(0))  // sample_count
            }
            stbl.fullBox("stco", version: 0, flags: 0) { $0.write(UInt32(0)) }
        }
    }

    static func writeTrackExtends(_ writer: inout ByteWriter, trackID: UInt32) {
        writer.fullBox("trex", version: 0, flags: 0) { trex in
            trex.write(trackID)
            trex.write(UInt32(1))  // default_sample_description_index
            trex.write(UInt32(0))  // default_sample_duration: every trun carries durations
            trex.write(UInt32(0))  // default_sample_size
            trex.write(UInt32(0))  // default_sample_flags: 0 = sync sample (audio relies on this)
        }
    }
}
