@testable import Segmenter

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map(hexByte).joined()
}
