import Foundation
import Logging
import Segmenter
import TestSupport
import Testing

@testable import Export

/// What an export holds, read back from its pieces: each 8-byte payload of `SyntheticRecording`
/// as (track, index), in file order.
struct ExportedSamples {
    var video: [Int] = []
    var audio: [Int] = []

    init(_ file: ExportFile) throws {
        let media = try readPieces(file, in: UInt64(file.header.count)..<file.size)
        #expect(media.count % 8 == 0)
        for start in stride(from: 0, to: media.count, by: 8) {
            let index = media[(start + 4)..<(start + 8)].reduce(0) { $0 << 8 | Int($1) }
            switch media[start] {
            case 1: video.append(index)
            case 2: audio.append(index)
            default: Issue.record("unexpected payload \(Array(media[start..<(start + 8)]))")
            }
        }
        video.sort()
        audio.sort()
    }
}

/// The bytes of `range` of `file`, read through `pieces(in:)`.
func readPieces(_ file: ExportFile, in range: Range<UInt64>) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for piece in file.pieces(in: range) {
        switch piece {
        case .bytes(let slice):
            bytes += slice
        case .file(let path, let offset, let length):
            let handle = try #require(FileHandle(forReadingAtPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: offset)
            let data = try handle.read(upToCount: Int(length)) ?? Data()
            #expect(data.count == Int(length))
            bytes += data
        }
    }
    return bytes
}

/// Plans `request` on the recording at `path` with a logger whose warnings the test can read.
func plan(_ request: ExportRequest, _ path: String, lines: RecordingLogHandler.Lines = .init()) throws -> [ExportFile] {
    try ExportPlanner(logger: lines.logger()).plan(request, from: HLSRecording(contentsOf: path))
}

/// The `ExportError` code `body` throws; nil when it does not throw one.
func exportErrorCode(_ body: () throws -> Void) -> ExportError.Code? {
    do {
        try body()
        return nil
    } catch let error as ExportError {
        return error.code
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
