/// The 32-bit sample flags of `trex`, `tfhd` and `trun` (ISO/IEC 14496-12 §8.8.3.1).
///
/// ```
/// bit(4) reserved=0;
/// unsigned int(2) is_leading;
/// unsigned int(2) sample_depends_on;
/// unsigned int(2) sample_is_depended_on;
/// unsigned int(2) sample_has_redundancy;
/// bit(3) sample_padding_value;
/// bit(1) sample_is_non_sync_sample;
/// unsigned int(16) sample_degradation_priority;
/// ```
public struct SampleFlags: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A sync sample that depends on no other (an IDR picture): sample_depends_on = 2.
    public static let sync = SampleFlags(rawValue: 0x0200_0000)
    /// A sample that depends on others and is not a sync sample: sample_depends_on = 1,
    /// sample_is_non_sync_sample = 1.
    public static let nonSync = SampleFlags(rawValue: 0x0101_0000)

    /// 0 unknown, 1 depends on others (not an I picture), 2 does not depend on others.
    public var dependsOn: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 24) & 0x3 }

    public var isNonSyncSample: Bool { rawValue & 0x0001_0000 != 0 }

    public var isSync: Bool { !isNonSyncSample }

    public var description: String { "0x" + String(rawValue, radix: 16) }
}
