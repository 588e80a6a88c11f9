/// One H.264 access unit (all NAL units of one picture) in the shape `MediaPacket` carries:
/// 4-byte length-prefixed NAL units, with the in-band parameter sets and the IDR flag pulled out.
public struct H264AccessUnit: Sendable, Equatable {
    /// Every NAL unit of the access unit (AUD, SEI and parameter sets included), each preceded by
    /// its 4-byte big-endian length.
    public var lengthPrefixed: [UInt8]
    /// In-band SPS NAL units (header byte included), in stream order.
    public var sequenceParameterSets: [[UInt8]]
    /// In-band PPS NAL units, likewise.
    public var pictureParameterSets: [[UInt8]]
    /// True when the access unit holds a slice of an IDR picture (nal_unit_type 5).
    public var containsIDR: Bool
    /// Bytes dropped as garbage (Annex-B input only; see `AnnexBConversion.skippedBytes`).
    public var skippedBytes: Int
    /// The nal_unit_type of each NAL unit, in order (raw values, reserved types included).
    public var nalUnitTypes: [UInt8]

    /// From Annex-B bytes (start codes), converted by `AnnexB.toLengthPrefixed(_:)`.
    public init(annexB: [UInt8]) {
        self.init(AnnexB.toLengthPrefixed(annexB))
    }

    /// From the output of `AnnexB.toLengthPrefixed(_:)`: its NAL units are read in place.
    public init(_ conversion: AnnexBConversion) {
        self.init(lengthPrefixed: conversion.lengthPrefixed, skippedBytes: conversion.skippedBytes)
        var reader = ByteReader(conversion.lengthPrefixed)
        // Well formed by construction: every length is followed by that many bytes.
        while let length = reader.readUInt32(), let unit = reader.readBytes(Int(length)) {
            classify(unit)
        }
    }

    /// From NAL units with `lengthSize`-byte lengths (MP4/FLV samples); rewritten with 4-byte
    /// lengths when `lengthSize` is not 4. Throws like `LengthPrefixed.nalUnits(in:lengthSize:)`.
    public init(lengthPrefixed data: [UInt8], lengthSize: Int = 4) throws {
        let units = try LengthPrefixed.nalUnits(in: data, lengthSize: lengthSize)
        let fourByte = lengthSize == 4 ? data : try LengthPrefixed.convertToFourByteLengths(data, from: lengthSize)
        self.init(lengthPrefixed: fourByte, skippedBytes: 0)
        nalUnitTypes.reserveCapacity(units.count)
        for unit in units { classify(unit) }
    }

    private init(lengthPrefixed: [UInt8], skippedBytes: Int) {
        self.lengthPrefixed = lengthPrefixed
        self.skippedBytes = skippedBytes
        sequenceParameterSets = []
        pictureParameterSets = []
        containsIDR = false
        nalUnitTypes = []
    }

    /// Notes one NAL unit's type; keeps a copy of parameter sets.
    private mutating func classify(_ unit: ArraySlice<UInt8>) {
        guard let header = unit.first else { return }
        nalUnitTypes.append(header & 0x1f)
        switch H264NALUnitType(headerByte: header) {
        case .sps: sequenceParameterSets.append(Array(unit))
        case .pps: pictureParameterSets.append(Array(unit))
        case .idr: containsIDR = true
        default: break
        }
    }
}
