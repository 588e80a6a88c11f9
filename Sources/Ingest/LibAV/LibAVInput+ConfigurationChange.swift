import Segmenter

/// Video whose parameter sets change mid-input (a camera that switched resolution, files
/// concatenated as MPEG-TS or raw Annex-B) gets a new track description where the change takes
/// effect, as a new RTMP sequence header does: the packager then starts a new init file after
/// `#EXT-X-DISCONTINUITY`.
///
/// A change takes effect at a keyframe that carries a complete set with an SPS the track does
/// not have (`H264AccessUnit/HEVCAccessUnit.newConfiguration(replacing:)`). Other in-band
/// parameter sets stay where they are: H.264 keeps them in its samples as always; HEVC keeps
/// those that differ (one warning), a PPS update for example.
///
/// The change is recorded against the ordinal of the video packet that carries it and handed
/// out (`nextEvent()`) just before that packet: packets leave the timestamp fixer and the
/// final-frame hold in the order they entered.
extension LibAVInput {
    /// The H.264 configuration a keyframe starts, or nil when it keeps the current one.
    func newH264Configuration(_ unit: H264AccessUnit, current: AVCDecoderConfigurationRecord) throws(IngestError)
        -> AVCDecoderConfigurationRecord?
    {
        do { return try unit.newConfiguration(replacing: current) } catch {
            throw IngestError(.invalidStream, "\(url): the H.264 SPS/PPS that change mid-stream do not parse (\(error))")
        }
    }

    /// The HEVC configuration an IRAP access unit starts, or nil when it keeps the current one.
    func newHEVCConfiguration(_ unit: HEVCAccessUnit, current: HEVCDecoderConfigurationRecord) throws(IngestError)
        -> HEVCDecoderConfigurationRecord?
    {
        do { return try unit.newConfiguration(replacing: current) } catch {
            throw IngestError(.invalidStream, "\(url): the HEVC VPS/SPS/PPS that change mid-stream do not parse (\(error))")
        }
    }

    /// The video track's format for `codec`: its size from the SPS.
    func videoFormat(_ codec: VideoCodec, state: VideoStreamState) throws(IngestError) -> TrackFormat {
        let size: (width: Int, height: Int)
        do {
            switch codec {
            case .h264(let record):
                let sps = try record.parsedSPS()
                size = (sps.width, sps.height)
            case .hevc(let record):
                let sps = try record.parsedSPS()
                size = (sps.width, sps.height)
            }
        } catch {
            throw IngestError(.invalidStream, "\(url): the \(state.codecName) SPS does not parse (\(error))")
        }
        return .video(codec: codec, width: size.width, height: size.height, timescale: state.timescale)
    }

    /// Counts a video packet handed to the timestamp fixer; when its access unit changed the
    /// configuration, records the new track for delivery just before it.
    func noteVideoPacketConverted(_ state: inout VideoStreamState) throws(IngestError) {
        convertedVideoPackets += 1
        guard state.configurationChanged, let codec = state.decoderConfiguration else { return }
        state.configurationChanged = false
        let format = try videoFormat(codec, state: state)
        configurationChanges[convertedVideoPackets] = Track(id: state.trackID, format: format)
        logger.info("\(url): the \(state.codecName) parameter sets change; a new init segment follows")
    }

    /// Counts a video packet delivered; the new track its access unit starts, if any.
    func trackChange(deliveringVideo packet: MediaPacket) -> Track? {
        deliveredVideoPackets += 1
        return configurationChanges.removeValue(forKey: deliveredVideoPackets)
    }
}
