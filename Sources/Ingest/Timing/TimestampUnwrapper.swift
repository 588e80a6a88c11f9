/// Unwraps 32-bit millisecond timestamps into a continuous 64-bit clock (RTMP timestamps wrap
/// after ~49.7 days): a step back of more than half the range is a wrap, not a reorder.
struct TimestampUnwrapper: Sendable {
    private var last: UInt32?
    private var base: Int64 = 0

    mutating func unwrap(_ raw: UInt32) -> Int64 {
        if let last {
            if raw < last, last - raw > 1 << 31 {
                base += 1 << 32
            } else if raw > last, raw - last > 1 << 31, base > 0 {
                base -= 1 << 32  // a late frame from before a wrap
            }
        }
        last = raw
        return base + Int64(raw)
    }
}
