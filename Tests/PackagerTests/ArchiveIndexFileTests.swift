import Foundation
import TestSupport
import Testing

@testable import Packager

/// The bytes of an archive index file: records read back as written, a file cut anywhere in
/// its last record read as a torn tail (never as damage, never a crash), any byte changed
/// before that detected as corruption, and retirement markers.
@Suite("archive index file")
struct ArchiveIndexFileTests {
    static func segment(_ number: Int, initURI: String = "init.mp4", playlist: String = "archive-20260101T000000Z.m3u8")
        -> ArchiveSegment
    {
        ArchiveSegment(
            sequenceNumber: number, uri: "seg\(number).m4s", initURI: initURI, date: 1_767_225_600_000 + Int64(number) * 2000,
            duration: 2.002, size: 100_000 + number, discontinuity: number % 7 == 3, playlist: playlist)
    }

    /// Records of every shape: templates, a URI without its number, a new init and playlist,
    /// a retirement marker.
    static let records: [ArchiveIndexRecord] = [
        .segment(segment(1)), .segment(segment(2)),
        .segment(
            ArchiveSegment(
                sequenceNumber: 3, uri: "clip-a.m4s", initURI: "init.mp4", date: 5, duration: 1.5, size: 9, discontinuity: true,
                playlist: "")),
        .segment(segment(4, initURI: "init_1.mp4")), .retired(through: 2),
        .segment(segment(5, initURI: "init_1.mp4", playlist: "archive-20260101T010000Z.m3u8")),
        .segment(
            ArchiveSegment(
                sequenceNumber: 612, uri: "seg00612.m4s", initURI: "init_1.mp4", date: 7, duration: 0.000001, size: 0, discontinuity: false,
                playlist: "")),
        .segment(
            ArchiveSegment(
                sequenceNumber: 12, uri: "seg112.m4s", initURI: "i", date: -1, duration: 4000, size: 1 << 40, discontinuity: false,
                playlist: "p")),
    ]

    @Test("every record reads back as written; a repeated init, playlist and URI template cost no bytes")
    func roundTrip() throws {
        let bytes = try ArchiveIndexFile.bytes(of: Self.records)
        let read = ArchiveIndexFile.records(in: bytes)
        #expect(read.end == .complete)
        #expect(read.records == Self.records)

        let one = try ArchiveIndexFile.bytes(of: [.segment(Self.segment(1))])
        let two = try ArchiveIndexFile.bytes(of: [.segment(Self.segment(1)), .segment(Self.segment(2))])
        #expect(two.count - one.count == 4 + 1 + 8 + 8 + 4 + 8 + 1 + 4, "a record that repeats every string is 38 bytes")
    }

    @Test("a file cut at any byte of its last record is a torn tail after the record before; never an error")
    func tornTailAtEveryByte() throws {
        let bytes = try ArchiveIndexFile.bytes(of: Self.records)
        let withoutLast = try ArchiveIndexFile.bytes(of: Array(Self.records.dropLast()))
        for length in withoutLast.count..<bytes.count {
            let read = ArchiveIndexFile.records(in: Array(bytes[..<length]))
            if length == withoutLast.count {
                #expect(read.end == .complete)
            } else {
                #expect(read.end == .tornTail(at: withoutLast.count), "cut at \(length)")
            }
            #expect(read.records == Array(Self.records.dropLast()), "cut at \(length)")
        }
        // Zeros where the last record should be (a power cut after the file grew): a torn tail too.
        let zeroed = withoutLast + [UInt8](repeating: 0, count: bytes.count - withoutLast.count)
        #expect(ArchiveIndexFile.records(in: zeroed).end == .tornTail(at: withoutLast.count))
        // Cut inside the header: nothing yet, a torn tail at 0.
        #expect(ArchiveIndexFile.records(in: Array(bytes[..<5])).end == .tornTail(at: 0))
    }

    @Test("any byte changed before the last record is detected as corruption at or before its record")
    func flippedBytesAreCorruption() throws {
        let bytes = try ArchiveIndexFile.bytes(of: Self.records)
        let withoutLast = try ArchiveIndexFile.bytes(of: Array(Self.records.dropLast()))
        var generator = SeededRandom(seed: 20)
        for position in 0..<withoutLast.count {
            var damaged = bytes
            damaged[position] ^= UInt8.random(in: 1...255, using: &generator)
            let read = ArchiveIndexFile.records(in: damaged)
            guard case .corrupt(let offset, _) = read.end else {
                Issue.record("byte \(position) changed: read as \(read.end)")
                continue
            }
            #expect(offset <= position, "byte \(position) changed: corruption reported at \(offset)")
        }
    }

    @Test("a retirement marker drops the segments up to it, also those appended after it again")
    func retiredMarker() throws {
        var builder = ArchiveIndexBuilder()
        let bytes = try ArchiveIndexFile.bytes(
            of: (1...10).map { .segment(Self.segment($0)) } + [.retired(through: 4), .segment(Self.segment(3))])
        _ = try ArchiveIndexFile.scan(bytes) { decoded in
            switch decoded {
            case .segment(let segment): builder.append(segment)
            case .retired(let through): builder.retire(through: through)
            }
        }
        let index = builder.snapshot()
        #expect(index.segments.map(\.sequenceNumber) == Array(5...10))
        #expect(index.offset(at: 0) == 0)
        #expect(index.totalSize == (5...10).reduce(0) { $0 + 100_000 + $1 })
        #expect(Array(index.segments) == (5...10).map { Self.segment($0) })
    }

    @Test("the writer appends to a file it checks first: a torn tail is cut, a corrupt file rebuilt from the playlists")
    func writerOpensWhatItFinds() throws {
        let root = try TestScratch.directory("archive-index-file/writer").path
        let writer = try ArchiveIndexWriter(root: root, stream: "cam")
        #expect(writer.lastSequenceNumber == nil)
        for number in 1...3 { try writer.append(Self.segment(number)) }
        #expect(writer.lastSequenceNumber == 3)
        let path = ArchiveIndexFile.path(root: root, stream: "cam")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(ArchiveIndexFile.records(in: bytes).records == (1...3).map { .segment(Self.segment($0)) })

        // A crash in the middle of the fourth record.
        let whole = bytes.count
        bytes += try ArchiveIndexFile.bytes(of: [.segment(Self.segment(4))]).dropFirst(ArchiveIndexRecord.header.count).prefix(20)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try ArchiveIndexWriter(root: root, stream: "cam")
        #expect(reopened.lastSequenceNumber == 3)
        #expect((try Data(contentsOf: URL(fileURLWithPath: path))).count == whole, "the torn tail was cut")
        try reopened.append(Self.segment(4))
        #expect(ArchiveIndexFile.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).records.count == 4)

        // Both writers append to the same file, each record whole.
        try writer.append(Self.segment(5))
        let read = ArchiveIndexFile.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(read.end == .complete && read.records == (1...5).map { .segment(Self.segment($0)) })

        // A symbolic link in place of the file is refused.
        let other = try TestScratch.directory("archive-index-file/link").path
        try FileManager.default.createDirectory(atPath: other + "/.hlsseg/index", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: other + "/.hlsseg/index/cam.idx", withDestinationPath: path)
        #expect(throws: PackagerError.self) { try ArchiveIndexWriter(root: other, stream: "cam") }
    }
}
