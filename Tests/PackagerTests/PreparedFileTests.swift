import Foundation
import Testing

@testable import Packager

#if canImport(Glibc)
    import Glibc
#endif

/// Segment files made ahead of time (`PreparedFile`): no name until complete, nothing left
/// behind when unused, and the plain rename wherever a prepared file cannot be used.
@Suite("PreparedFile")
struct PreparedFileTests {
    static let bytes: [[UInt8]] = [Array("moof".utf8), Array(repeating: 7, count: 10_000), Array("end".utf8)]

    static func inode(ofDescriptor descriptor: Int32) -> UInt64 {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? UInt64(status.st_ino) : 0
    }

    static func inode(of path: String) -> UInt64 {
        var status = stat()
        return stat(path, &status) == 0 ? UInt64(status.st_ino) : 0
    }

    @Test(arguments: [FileSync.perFile, .periodic])
    func theFileGetsItsNameOnlyWhenComplete(fileSync: FileSync) throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-named-\(fileSync)", fileSync: fileSync)
        let prepared = try #require(directory.prepareFile(named: "seg1.m4s"), "this Linux file system makes unnamed files")
        #expect(try SyntheticStream.files(directory).isEmpty, "a prepared file has no name")
        let inode = Self.inode(ofDescriptor: prepared.descriptor)

        try directory.write(Self.bytes, to: "seg1.m4s", prepared: prepared)

        #expect(try SyntheticStream.files(directory) == ["seg1.m4s"])
        #expect(try directory.read("seg1.m4s") == Self.bytes.flatMap { $0 })
        #expect(Self.inode(of: directory.filePath("seg1.m4s")) == inode, "the prepared file, not a new one")
    }

    @Test func anUnusedPreparedFileLeavesNothing() throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-unused")
        var prepared = directory.prepareFile(named: "seg1.m4s")
        #expect(prepared != nil)
        prepared = nil
        #expect(try SyntheticStream.files(directory).isEmpty)
    }

    @Test func noFileIsPreparedForANameThatExists() throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-exists")
        try directory.write(Self.bytes, to: "seg1.m4s")
        #expect(directory.prepareFile(named: "seg1.m4s") == nil)
    }

    @Test func aNameTakenMeanwhileIsReplacedByRename() throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-taken")
        let prepared = try #require(directory.prepareFile(named: "seg1.m4s"))
        try directory.write([Array("old".utf8)], to: "seg1.m4s")

        try directory.write(Self.bytes, to: "seg1.m4s", prepared: prepared)

        #expect(try SyntheticStream.files(directory) == ["seg1.m4s"], "no temporary file left")
        #expect(try directory.read("seg1.m4s") == Self.bytes.flatMap { $0 })
    }

    @Test func aFilePreparedForAnotherSegmentIsNotUsed() throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-other")
        let prepared = try #require(directory.prepareFile(named: "seg2.m4s"))
        try directory.write(Self.bytes, to: "seg1.m4s", prepared: prepared)
        #expect(try SyntheticStream.files(directory) == ["seg1.m4s"])
        #expect(Self.inode(of: directory.filePath("seg1.m4s")) != Self.inode(ofDescriptor: prepared.descriptor))
    }

    @Test func theSlotGivesAFileOnlyForItsSegment() throws {
        let directory = try SyntheticStream.temporaryDirectory("prepared-slot")
        let slot = PreparedFileSlot()
        slot.put(directory.prepareFile(named: "seg2.m4s"))
        #expect(slot.take(for: "seg3.m4s") == nil)
        #expect(slot.take(for: "seg2.m4s")?.name == "seg2.m4s", "left for the next put to replace, not closed by take")
        #expect(slot.take(for: "seg2.m4s") == nil, "taken once")
        slot.put(directory.prepareFile(named: "seg3.m4s"))
        slot.put(directory.prepareFile(named: "seg4.m4s"))
        #expect(slot.take(for: "seg3.m4s") == nil, "replaced")
        #expect(slot.take(for: "seg4.m4s")?.name == "seg4.m4s")
        #expect(try SyntheticStream.files(directory).isEmpty)
    }
}
