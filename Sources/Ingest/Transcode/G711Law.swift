/// The two companding laws of ITU-T G.711: each 8-bit code stands for one 16-bit linear sample.
///
/// Decoded with a 256-entry table per law rather than libavcodec's `pcm_mulaw` / `pcm_alaw`
/// decoders: a table lookup per byte is all those decoders do, and doing it here needs no
/// second codec context, no packet/frame round trip and no sample-format conversion before the
/// AAC encoder (which takes planar float). The tables follow G.711's segment layout (the same
/// values as libavcodec's `pcm_tablegen.h`).
public enum G711Law: Sendable, Equatable, CustomStringConvertible {
    /// μ-law (PCMU; FLV sound format 8).
    case muLaw
    /// A-law (PCMA; FLV sound format 7).
    case aLaw

    public var description: String {
        switch self {
        case .muLaw: "G.711 μ-law"
        case .aLaw: "G.711 A-law"
        }
    }

    /// The linear value of each code, scaled to −1 … 1 for the encoder's float input.
    var floatTable: [Float] {
        switch self {
        case .muLaw: Self.muLawFloats
        case .aLaw: Self.aLawFloats
        }
    }

    /// The 16-bit linear value of `code`.
    public func linear(_ code: UInt8) -> Int16 {
        switch self {
        case .muLaw: Self.muLawLinear[Int(code)]
        case .aLaw: Self.aLawLinear[Int(code)]
        }
    }

    private static let muLawLinear: [Int16] = (0...255).map { muLawToLinear(UInt8($0)) }
    private static let aLawLinear: [Int16] = (0...255).map { aLawToLinear(UInt8($0)) }
    private static let muLawFloats: [Float] = muLawLinear.map { Float($0) / 32768 }
    private static let aLawFloats: [Float] = aLawLinear.map { Float($0) / 32768 }

    /// μ-law: the code is stored inverted; 4 mantissa bits, 3 exponent bits, a bias of 0x84.
    static func muLawToLinear(_ code: UInt8) -> Int16 {
        let value = ~code
        let magnitude = ((Int32(value & 0x0F) << 3) + 0x84) << Int32((value & 0x70) >> 4)
        return Int16(value & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }

    /// A-law: even bits inverted (XOR 0x55); 4 mantissa bits, 3 segment bits.
    static func aLawToLinear(_ code: UInt8) -> Int16 {
        let value = code ^ 0x55
        var magnitude = Int32(value & 0x0F)
        let segment = Int32((value & 0x70) >> 4)
        if segment != 0 {
            magnitude = (magnitude + magnitude + 1 + 32) << (segment + 2)
        } else {
            magnitude = (magnitude + magnitude + 1) << 3
        }
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }
}
