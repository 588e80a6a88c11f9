/// The 3×3 matrix of `mvhd` and `tkhd` (ISO/IEC 14496-12 §6.2.2): `a, b, u, c, d, v, x, y, w`,
/// 16.16 fixed point except `u, v, w`, which are 2.30.
///
/// ```
/// template int(32)[9] matrix = { 0x00010000,0,0,0,0x00010000,0,0,0,0x40000000 };
/// ```
public struct TransformationMatrix: Sendable, Equatable {
    public var values: [Int32]

    /// No rotation, no scaling.
    public static let identity = TransformationMatrix(values: [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000])

    /// Precondition: nine values.
    public init(values: [Int32]) {
        precondition(values.count == 9, "a transformation matrix has nine values")
        self.values = values
    }

    init(reading body: inout BoxBodyReader) throws {
        var values: [Int32] = []
        values.reserveCapacity(9)
        for _ in 0..<9 { values.append(try body.readInt32("matrix")) }
        self.init(values: values)
    }

    func write(into writer: inout ByteWriter) {
        for value in values { writer.write(value) }
    }
}
