import CLibAV
import Segmenter

extension LibAVInput {
    /// Read ahead at most this many packets looking for the first SPS/PPS or ADTS header
    /// (about a minute of 25 fps video); an H.264 stream without either that long is unusable.
    static let maximumReadAheadPackets = 1500

    /// Picks the first video and audio stream, checks their codecs and discards the rest.
    func selectStreams() throws(IngestError) {
        let format = context.formatName
        if format == "tty" || format == "image2" || format.hasSuffix("_pipe") {
            throw IngestError(.notMedia, "\(url) is not a media file (libavformat reads it as \(format == "tty" ? "text" : "an image"))")
        }
        var (videoIndex, audioIndex) = context.firstStreams()
        discardStreams(except: [videoIndex, audioIndex])
        if needsStreamInfo(video: videoIndex, audio: audioIndex) {
            let result = avformat_find_stream_info(context.pointer, nil)
            if result < 0 && context.streamCount == 0 {
                throw IngestError(.notMedia, "\(url): no streams found (\(libavErrorString(result)))")
            }
            (videoIndex, audioIndex) = context.firstStreams()
            discardStreams(except: [videoIndex, audioIndex])
        }
        if videoIndex == nil && audioIndex == nil {
            if context.streamCount == 0 {
                throw IngestError(.notMedia, "\(url) is not a media file libavformat recognises (no streams found)")
            }
            throw IngestError(.noUsableStream, "\(url) has no video or audio stream (only \(streamTypeSummary()))")
        }
        if !options.media.contains(.video) { videoIndex = nil }
        if !options.media.contains(.audio) { audioIndex = nil }
        if options.dropsUnsupportedAudio, videoIndex != nil, let index = audioIndex {
            let id = context.stream(index).pointee.codecpar.pointee.codec_id
            if !Self.acceptedAudioCodecs.contains(id) {
                warn("\(url): \(codecDisplayName(id)) audio is not supported; the stream goes on without audio")
                audioIndex = nil
            }
        }
        guard videoIndex != nil || audioIndex != nil else {
            let wanted = options.media.map(\.rawValue).sorted().joined(separator: " or ")
            throw IngestError(.noUsableStream, "\(url) has no \(wanted.isEmpty ? "wanted" : wanted) stream")
        }
        try checkCodecs(video: videoIndex, audio: audioIndex)
        discardStreams(except: [videoIndex, audioIndex])
        if context.isMov {
            // mp4/mov packets are framed by the sample tables, with exact dts, pts and keyframe
            // flags; libavformat's codec parsers would only re-read every packet (with a zeroed
            // copy of each): a quarter of all instructions on a long 1080p file. (NOFILLIN stays
            // off: without the fill-in step mov packets lose their durations.)
            context.pointer.pointee.flags |= AVFMT_FLAG_NOPARSE
        }
        if let videoIndex { video = makeVideoState(index: videoIndex) }
        if let audioIndex { audio = try makeAudioState(index: audioIndex, withVideo: videoIndex != nil) }
    }

    /// AAC, MP3 and Opus pass through; G.711 (`pcm_mulaw`, `pcm_alaw`) is transcoded to AAC-LC.
    static let acceptedAudioCodecs: [AVCodecID] = [AV_CODEC_ID_AAC, AV_CODEC_ID_PCM_MULAW, AV_CODEC_ID_PCM_ALAW] + passthroughAudioCodecs

    /// `avformat_find_stream_info` reads (and for H.264 decodes) packets to fill in codec
    /// parameters; it is what makes opening slow. mp4/mov headers already hold everything we
    /// need (avcC, esds, sizes, exact dts), so it is skipped there. Every other format needs it:
    /// flv and mpegts create streams only from packets, mkv stores no dts (libavformat derives it
    /// from the reorder depth the probe finds), raw `.h264` / `.aac` have no header at all.
    func needsStreamInfo(video: Int?, audio: Int?) -> Bool {
        guard context.isMov, context.pointer.pointee.ctx_flags & AVFMTCTX_NOHEADER == 0 else { return true }
        guard video != nil || audio != nil else { return true }
        if let video {
            let parameters = context.stream(video).pointee.codecpar.pointee
            if (parameters.codec_id == AV_CODEC_ID_H264 || parameters.codec_id == AV_CODEC_ID_HEVC)
                && (parameters.width <= 0 || parameters.height <= 0 || parameters.extradata_size <= 0)
            {
                return true
            }
        }
        if let audio {
            let parameters = context.stream(audio).pointee.codecpar.pointee
            if parameters.codec_id == AV_CODEC_ID_AAC && (parameters.sample_rate <= 0 || parameters.extradata_size <= 0) {
                return true
            }
        }
        return false
    }

    func discardStreams(except chosen: [Int?]) {
        for index in 0..<context.streamCount where !chosen.contains(index) {
            let stream = context.stream(index)
            // Streams of a kind not yet known may turn out to be the chosen ones after probing.
            guard stream.pointee.codecpar.pointee.codec_type != AVMEDIA_TYPE_UNKNOWN else { continue }
            stream.pointee.discard = AVDISCARD_ALL
        }
    }

    func checkCodecs(video videoIndex: Int?, audio audioIndex: Int?) throws(IngestError) {
        var problems: [String] = []
        if let videoIndex {
            let id = context.stream(videoIndex).pointee.codecpar.pointee.codec_id
            if id != AV_CODEC_ID_H264 && id != AV_CODEC_ID_HEVC { problems.append("\(codecDisplayName(id)) video") }
        }
        if let audioIndex {
            let id = context.stream(audioIndex).pointee.codecpar.pointee.codec_id
            if !Self.acceptedAudioCodecs.contains(id) { problems.append("\(codecDisplayName(id)) audio") }
        }
        guard problems.isEmpty else {
            let verb = problems.count == 1 ? "is" : "are"
            throw IngestError(
                .unsupportedCodec,
                "\(problems.joined(separator: " and ")) \(verb) not supported; hlsseg takes H.264 or HEVC video and AAC, MP3, Opus or G.711 audio (\(url))"
            )
        }
    }

    func streamTypeSummary() -> String {
        var kinds: [String] = []
        for index in 0..<context.streamCount {
            let type = context.stream(index).pointee.codecpar.pointee.codec_type
            let name = av_get_media_type_string(type).map { String(cString: $0) } ?? "unknown"
            if !kinds.contains(name) { kinds.append(name) }
        }
        return kinds.isEmpty ? "nothing" : kinds.joined(separator: ", ") + " streams"
    }

    func makeVideoState(index: Int) -> VideoStreamState {
        let stream = context.stream(index)
        let timeBase = stream.pointee.time_base
        let timescale = Timescales.video(for: timeBase)
        var rate = stream.pointee.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = stream.pointee.r_frame_rate }
        if rate.num <= 0 || rate.den <= 0 {
            rate = AVRational(num: Int32(clamping: max(1, options.framerate ?? InputOptions.defaultFramerate)), den: 1)
        }
        let frameDuration = Int64(timescale) * Int64(rate.den) / Int64(rate.num)
        let layout: VideoStreamState.Layout
        let parameters = stream.pointee.codecpar.pointee
        if parameters.extradata_size > 0, let extradata = parameters.extradata, extradata[0] == 1 {
            layout = .lengthPrefixed(4)  // the real size is set when the avcC is parsed
        } else {
            layout = .annexB
        }
        var state = VideoStreamState(
            isHEVC: parameters.codec_id == AV_CODEC_ID_HEVC, index: Int32(index), timeBase: timeBase, timescale: timescale, layout: layout,
            fixer: VideoTimestampFixer(defaultFrameDuration: frameDuration))
        // Raw H.264 has no timestamps. libavformat's demuxer gives its packets only durations,
        // from the SPS VUI timing when there is one (its `framerate` option is then ignored),
        // else from that option. Rather than reopen the input with another option, every packet
        // is stamped here on a grid at the rate `rawFrameRate()` picks (the user's
        // `--framerate`, else the VUI timing of the first SPS, else 25): the user's rate wins,
        // and each frame lies exactly on the grid, with no rounding carried from one to the next.
        if context.formatName == "h264" || context.formatName == "hevc" { state.grid = SteadyFrameClock(timescale: timescale) }
        if context.formatName == "hevc" { state.pictureOrder = HEVCPictureOrder() }
        return state
    }

    /// The audio stream's state; for G.711, with its transcoder. A transcoder that cannot be made
    /// costs only the audio when there is video (one warning), else fails the open.
    func makeAudioState(index: Int, withVideo: Bool) throws(IngestError) -> AudioStreamState? {
        let stream = context.stream(index)
        let parameters = stream.pointee.codecpar.pointee
        let sampleRate = parameters.sample_rate > 0 ? UInt32(parameters.sample_rate) : 0
        if parameters.codec_id == AV_CODEC_ID_PCM_MULAW || parameters.codec_id == AV_CODEC_ID_PCM_ALAW {
            let law: G711Law = parameters.codec_id == AV_CODEC_ID_PCM_MULAW ? .muLaw : .aLaw
            let channels = Int(parameters.ch_layout.nb_channels)
            do throws(IngestError) {
                let transcoder = try G711AACTranscoder(law: law, sampleRate: Int(sampleRate), channels: channels)
                var state = AudioStreamState(
                    index: Int32(index), codecID: parameters.codec_id, timeBase: stream.pointee.time_base, timescale: sampleRate,
                    adts: false, smoother: nil, channels: channels)
                state.g711 = transcoder
                state.config = transcoder.audioSpecificConfig
                return state
            } catch {
                guard withVideo else { throw IngestError(error.code, "\(url): \(error.reason)") }
                warn("\(url): \(law) audio cannot be transcoded to AAC (\(error.reason)); the stream goes on without audio")
                stream.pointee.discard = AVDISCARD_ALL
                return nil
            }
        }
        return AudioStreamState(
            index: Int32(index), codecID: parameters.codec_id, timeBase: stream.pointee.time_base, timescale: sampleRate,
            adts: parameters.codec_id == AV_CODEC_ID_AAC && parameters.extradata_size <= 0, smoother: nil,
            channels: Int(parameters.ch_layout.nb_channels))
    }

    /// Builds `tracks`: decoder configurations from the extradata, or from the first in-band
    /// SPS/PPS and ADTS header (reading ahead and keeping what was read for delivery).
    func describeTracks() throws(IngestError) {
        if let video, let extradata = extradataBytes(stream: video.index) {
            try configureVideo(fromExtradata: extradata)
        }
        try describePassthroughAudio()
        if let audio, audio.codecID == AV_CODEC_ID_AAC, !audio.adts, let extradata = extradataBytes(stream: audio.index) {
            do {
                let config = try AudioSpecificConfig(parsing: extradata)
                self.audio?.config = config
                if audio.timescale == 0 { self.audio?.timescale = UInt32(config.sampleRate) }
                if audio.channels <= 0 { self.audio?.channels = Int(config.channelConfiguration) }
            } catch {
                throw IngestError(.invalidStream, "\(url): the AAC AudioSpecificConfig does not parse (\(error))")
            }
        }
        var readAhead = 0
        while (video != nil && video?.decoderConfiguration == nil) || audio?.isDescribed == false {
            if finished || readAhead >= Self.maximumReadAheadPackets { break }
            try readAndConvert()
            readAhead += 1
        }
        if let video, video.decoderConfiguration == nil {
            let sets = video.isHEVC ? "VPS, SPS and PPS" : "SPS and PPS"
            throw IngestError(
                .invalidStream,
                "\(url): no \(video.codecName) \(sets) found (neither in the header nor in the first \(readAhead) packets)")
        }
        if let audio, !audio.isDescribed {
            let (header, codec) = audio.codecID == AV_CODEC_ID_MP3 ? ("MP3 frame header", "MP3") : ("ADTS header", "AAC")
            throw IngestError(.invalidStream, "\(url): no \(header) found at the start of the \(codec) stream")
        }
        tracks = try makeTracks()
    }

    func extradataBytes(stream index: Int32) -> [UInt8]? {
        let parameters = context.stream(Int(index)).pointee.codecpar.pointee
        guard parameters.extradata_size > 0, let extradata = parameters.extradata else { return nil }
        return Array(UnsafeBufferPointer(start: extradata, count: Int(parameters.extradata_size)))
    }

    /// avcC extradata (mp4, mkv, flv), or Annex-B SPS/PPS (mpegts and raw streams after probing).
    func configureVideo(fromExtradata extradata: [UInt8]) throws(IngestError) {
        if video?.isHEVC == true { return try configureHEVC(fromExtradata: extradata) }
        if extradata.first == 1 {
            do {
                let record = try AVCDecoderConfigurationRecord(parsing: extradata)
                guard (1...4).contains(record.nalLengthSize) else {
                    throw IngestError(.invalidStream, "\(url): avcC NAL length size \(record.nalLengthSize) is not 1, 2 or 4")
                }
                video?.decoderConfiguration = .h264(record)
                video?.layout = .lengthPrefixed(record.nalLengthSize)
            } catch let error as IngestError {
                throw error
            } catch {
                throw IngestError(.invalidStream, "\(url): the H.264 avcC record does not parse (\(error))")
            }
            return
        }
        let unit = H264AccessUnit(annexB: extradata)
        try adoptParameterSets(sps: unit.sequenceParameterSets, pps: unit.pictureParameterSets)
    }

    /// Makes the decoder configuration from the first SPS and the PPSs seen with it.
    func adoptParameterSets(sps: [[UInt8]], pps: [[UInt8]]) throws(IngestError) {
        guard video?.decoderConfiguration == nil, let first = sps.first, !pps.isEmpty else { return }
        do {
            video?.decoderConfiguration = .h264(try AVCDecoderConfigurationRecord(sps: first, pps: pps))
        } catch {
            throw IngestError(.invalidStream, "\(url): the H.264 SPS/PPS do not parse (\(error))")
        }
    }

    func makeTracks() throws(IngestError) -> [Track] {
        var tracks: [Track] = []
        if let video, let codec = video.decoderConfiguration {
            tracks.append(Track(id: 1, format: try videoFormat(codec, state: video)))
        }
        if let audio, let format = passthroughAudioFormat(audio) {
            tracks.append(Track(id: tracks.isEmpty ? 1 : 2, format: format))
        } else if let audio, let config = audio.config {
            let channels = audio.channels > 0 ? audio.channels : Int(config.channelConfiguration)
            let format = TrackFormat.audio(
                codec: .aac(config), sampleRate: Int(audio.timescale), channels: channels, timescale: audio.timescale)
            tracks.append(Track(id: tracks.isEmpty ? 1 : 2, format: format))
        }
        video?.trackID = 1
        audio?.trackID = video == nil ? 1 : 2
        return tracks
    }
}
