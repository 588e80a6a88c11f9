/// Parameter sets (H.264 SPS/PPS, HEVC VPS/SPS/PPS) compared as NAL units. Trailing zero bytes
/// are not compared: a NAL unit never ends in one (its RBSP ends with a stop bit), but a record
/// made from MPEG-TS extradata may keep the `trailing_zero_8bits` that preceded the next start
/// code.
public enum ParameterSetComparison {
    /// Whether each of `units` appears among `known`.
    public static func covers(_ known: [[UInt8]], _ units: [[UInt8]]) -> Bool {
        let known = known.map(trimmed)
        return units.allSatisfy { unit in known.contains(trimmed(unit)) }
    }

    private static func trimmed(_ unit: [UInt8]) -> ArraySlice<UInt8> {
        var end = unit.endIndex
        while end > unit.startIndex && unit[end - 1] == 0 { end -= 1 }
        return unit[..<end]
    }
}
