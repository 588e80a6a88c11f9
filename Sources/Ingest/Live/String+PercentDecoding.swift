extension String {
    /// `%XX` decoding of a stream key's query values; invalid escapes are kept as they are.
    /// Not Foundation's `removingPercentEncoding`: that answers nil for the whole string on
    /// one invalid escape or on bytes that are not UTF-8, where a publisher's key should still
    /// be read (invalid bytes become U+FFFD).
    var removingPercentEncodingLite: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
