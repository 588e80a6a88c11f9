import Segmenter

/// HEVC (H.265) video: the track's hvcC and the samples an `hvc1` sample entry wants.
///
/// The hvcC comes from the extradata (mp4 `hvc1`/`hev1`, mkv: an hvcC record; mpegts and raw
/// `.hevc` after probing: Annex-B VPS/SPS/PPS) or else from the first access unit that carries
/// all three. We always write `hvc1`, whose parameter-set arrays are complete, so VPS, SPS and
/// PPS are taken out of the samples (SEI, AUD and slices stay). An IRAP picture with a new
/// VPS/SPS/PPS set starts a new hvcC (`LibAVInput+ConfigurationChange`); other in-band
/// parameter sets that differ from the hvcC (a PPS update) are left in place with one warning:
/// a decoder then still finds them where the stream changes.
extension LibAVInput {
    func configureHEVC(fromExtradata extradata: [UInt8]) throws(IngestError) {
        if extradata.first == 1 {
            do {
                let record = try HEVCDecoderConfigurationRecord(parsing: extradata)
                video?.layout = .lengthPrefixed(record.nalLengthSize)
                // hev1 may keep its parameter sets in band only: then the first access unit that
                // carries them decides.
                if record.hasParameterSets {
                    _ = try record.parsedSPS()
                    video?.decoderConfiguration = .hevc(record.markedCompleteForHVC1)
                }
            } catch {
                throw IngestError(.invalidStream, "\(url): the HEVC hvcC record does not parse (\(error))")
            }
            return
        }
        let conversion = AnnexB.toLengthPrefixed(extradata)
        guard let unit = try? HEVCAccessUnit(lengthPrefixed: conversion.lengthPrefixed) else { return }
        try adoptHEVCParameterSets(unit)
    }

    /// Makes the hvcC from the first VPS, SPS and PPS seen together.
    func adoptHEVCParameterSets(_ unit: HEVCAccessUnit) throws(IngestError) {
        guard video?.decoderConfiguration == nil, !unit.videoParameterSets.isEmpty, !unit.sequenceParameterSets.isEmpty,
            !unit.pictureParameterSets.isEmpty
        else { return }
        do {
            video?.decoderConfiguration = .hevc(
                try HEVCDecoderConfigurationRecord(
                    vps: unit.videoParameterSets, sps: unit.sequenceParameterSets, pps: unit.pictureParameterSets))
        } catch {
            throw IngestError(.invalidStream, "\(url): the HEVC VPS/SPS/PPS do not parse (\(error))")
        }
    }

    /// One access unit (4-byte length-prefixed) as the track carries it: parameter sets that
    /// repeat the hvcC removed, and the access unit as read (IRAP flag, parameter sets). `nil`
    /// for a packet whose NAL lengths do not fit it (reading stops there, as damage).
    func prepareHEVC(_ payload: [UInt8], state: inout VideoStreamState) throws(IngestError) -> (payload: [UInt8], unit: HEVCAccessUnit)? {
        let unit: HEVCAccessUnit
        do {
            unit = try HEVCAccessUnit(lengthPrefixed: payload)
        } catch {
            video = state
            stopAtDamage("an HEVC NAL unit length does not fit its packet: \(error)")
            state = video ?? state
            return nil
        }
        guard unit.hasParameterSets else { return (payload, unit) }
        if state.decoderConfiguration == nil {
            try adoptHEVCParameterSets(unit)
            state.decoderConfiguration = video?.decoderConfiguration
        }
        guard case .hevc(let record) = state.decoderConfiguration, unit.parameterSetsMatch(record) else {
            if case .hevc(let record) = state.decoderConfiguration, let changed = try newHEVCConfiguration(unit, current: record) {
                state.decoderConfiguration = .hevc(changed)
                state.configurationChanged = true
                return (unit.withoutParameterSets, unit)
            }
            if !state.warnedParameterSetChange, state.decoderConfiguration != nil {
                state.warnedParameterSetChange = true
                warn("\(url): HEVC parameter sets that differ from the init segment's stay in band")
            }
            return (payload, unit)
        }
        return (unit.withoutParameterSets, unit)
    }
}
