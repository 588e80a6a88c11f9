/// The segments of one index, column by column, in chunks: what `ArchiveIndex` snapshots share.
///
/// Memory is the constraint (a 30-day archive of 2-s segments is 1.3 M segments): each segment
/// costs 53 bytes in ten columns and no heap object of its own. Strings are interned: init
/// URIs, playlist names and URI templates (`seg` + number + `.m4s`) are held once per distinct
/// value and referred to by a 32-bit number; a segment URI is rebuilt from its template and
/// sequence number when asked for. Offsets (seconds before each segment) and discontinuity
/// counts are running sums, so any answer's position is a binary search away.
///
/// Columns are split into chunks of `chunkSize` segments at fixed global positions. An
/// append while a snapshot is alive copies the chunk list and the last chunk only, never the
/// whole index; retention drops whole chunks from the front.
struct ArchiveIndexColumns: Sendable {
    static let chunkShift = 12
    static let chunkSize = 1 << chunkShift

    struct Chunk: Sendable {
        var sequenceNumber: [Int64] = []
        var date: [Int64] = []
        var durationMicroseconds: [UInt32] = []
        var size: [Int64] = []
        /// Microseconds of media before this segment (since the first segment ever appended).
        var startMicroseconds: [Int64] = []
        /// Discontinuities before this segment (since the first segment ever appended).
        var discontinuitiesBefore: [Int32] = []
        /// Into `strings` (verbatim) or `templates`, per `flags`.
        var uri: [UInt32] = []
        var initURI: [UInt32] = []
        var playlist: [UInt32] = []
        var flags: [UInt8] = []

        /// Segments a chunk holds before it takes its full size at once: a server keeps the
        /// index of every stream it archives, and most chunks of short recordings stay small;
        /// a chunk that reaches this fills up, and exact capacity keeps a month at 53 bytes
        /// per segment (grown by doubling it could take up to twice that).
        static let smallCount = 256

        init() {}

        /// Gives every column the capacity of a whole chunk (at `smallCount` segments).
        mutating func reserveWhole() {
            sequenceNumber.reserveCapacity(chunkSize)
            date.reserveCapacity(chunkSize)
            size.reserveCapacity(chunkSize)
            startMicroseconds.reserveCapacity(chunkSize)
            durationMicroseconds.reserveCapacity(chunkSize)
            discontinuitiesBefore.reserveCapacity(chunkSize)
            uri.reserveCapacity(chunkSize)
            initURI.reserveCapacity(chunkSize)
            playlist.reserveCapacity(chunkSize)
            flags.reserveCapacity(chunkSize)
        }
    }

    enum Flag {
        static let discontinuity: UInt8 = 1 << 0
        static let dated: UInt8 = 1 << 1
        static let verbatimURI: UInt8 = 1 << 2
        /// A new span starts here (see `ArchiveIndex.spanRanges`).
        static let spanStart: UInt8 = 1 << 3
    }

    var chunks: [Chunk] = []
    /// Global position of `chunks[0]`'s first segment (a multiple of `chunkSize`).
    var base = 0
    /// Global position after the last segment.
    var end = 0
    var strings: [String] = []
    var templates: [ArchiveURITemplate] = []
    /// Global positions of the segments that start spans, ascending.
    var spanStarts: [Int] = []

    // MARK: Reading (global positions)

    @inline(__always) func locate(_ global: Int) -> (chunk: Int, offset: Int) {
        ((global >> Self.chunkShift) - (base >> Self.chunkShift), global & (Self.chunkSize - 1))
    }

    func sequenceNumber(_ global: Int) -> Int {
        let (c, o) = locate(global)
        return Int(chunks[c].sequenceNumber[o])
    }
    func date(_ global: Int) -> Int64 {
        let (c, o) = locate(global)
        return chunks[c].date[o]
    }
    func durationMicroseconds(_ global: Int) -> UInt32 {
        let (c, o) = locate(global)
        return chunks[c].durationMicroseconds[o]
    }
    func size(_ global: Int) -> Int {
        let (c, o) = locate(global)
        return Int(chunks[c].size[o])
    }
    func flags(_ global: Int) -> UInt8 {
        let (c, o) = locate(global)
        return chunks[c].flags[o]
    }
    func initID(_ global: Int) -> UInt32 {
        let (c, o) = locate(global)
        return chunks[c].initURI[o]
    }

    /// Microseconds before `global`; `end` is allowed (the total).
    func startMicroseconds(_ global: Int) -> Int64 {
        if global == end { return endMicroseconds }
        let (c, o) = locate(global)
        return chunks[c].startMicroseconds[o]
    }

    func discontinuitiesBefore(_ global: Int) -> Int {
        if global == end { return Int(discontinuitiesAtEnd) }
        let (c, o) = locate(global)
        return Int(chunks[c].discontinuitiesBefore[o])
    }

    /// `date + duration`, rounded to the millisecond, as `ArchiveSegment.endDate`.
    func endDate(_ global: Int) -> Int64 {
        date(global) + (Int64(durationMicroseconds(global)) + 500) / 1000
    }

    func segment(_ global: Int) -> ArchiveSegment {
        let (c, o) = locate(global)
        let chunk = chunks[c]
        let sequence = Int(chunk.sequenceNumber[o])
        let uri = chunk.flags[o] & Flag.verbatimURI != 0 ? strings[Int(chunk.uri[o])] : templates[Int(chunk.uri[o])].uri(sequence)
        return ArchiveSegment(
            sequenceNumber: sequence, uri: uri, initURI: strings[Int(chunk.initURI[o])], date: chunk.date[o],
            duration: Double(chunk.durationMicroseconds[o]) / 1_000_000, size: Int(chunk.size[o]),
            discontinuity: chunk.flags[o] & Flag.discontinuity != 0, playlist: strings[Int(chunk.playlist[o])])
    }

    /// Some segment has a program date-time of its own.
    var hasDates = false
    var endMicroseconds: Int64 = 0
    var discontinuitiesAtEnd: Int32 = 0
}

/// Appends to `ArchiveIndexColumns`, interning strings, and drops retired segments.
struct ArchiveIndexBuilder: Sendable {
    private(set) var columns = ArchiveIndexColumns()
    /// Global position of the first segment not retired.
    private(set) var first = 0
    private(set) var retiredThrough: Int?
    /// Bytes of the segments from `first` on.
    private(set) var keptSize = 0
    private var stringIDs: [String: UInt32] = [:]
    private var templateIDs: [ArchiveURITemplate: UInt32] = [:]
    /// The last strings interned, checked first: consecutive segments nearly always share them.
    private var lastInit: (String, UInt32)?
    private var lastPlaylist: (String, UInt32)?
    private var lastTemplate: (ArchiveURITemplate, UInt32)?

    var count: Int { columns.end - first }
    var lastSequenceNumber: Int? { columns.end > first ? columns.sequenceNumber(columns.end - 1) : nil }

    /// The gap in dates beyond which the next segment starts a new span, in milliseconds
    /// (`ArchiveIndex.spanGapTolerance`).
    static let spanGapMilliseconds: Int64 = 500

    mutating func append(_ segment: DecodedSegment) {
        // A segment at or before one already kept, or retired, is a repeat: the first one stands.
        if let last = lastSequenceNumber, segment.sequenceNumber <= last { return }
        if let retiredThrough, segment.sequenceNumber <= retiredThrough { return }
        let global = columns.end
        if global & (ArchiveIndexColumns.chunkSize - 1) == 0 { columns.chunks.append(ArchiveIndexColumns.Chunk()) }
        if global & (ArchiveIndexColumns.chunkSize - 1) == ArchiveIndexColumns.Chunk.smallCount {
            columns.chunks[columns.chunks.count - 1].reserveWhole()
        }
        let initID: UInt32
        if let (last, id) = lastInit, last == segment.initURI {
            initID = id
        } else {
            initID = intern(segment.initURI)
            lastInit = (segment.initURI, initID)
        }
        let playlistID: UInt32
        if let (last, id) = lastPlaylist, last == segment.playlist {
            playlistID = id
        } else {
            playlistID = intern(segment.playlist)
            lastPlaylist = (segment.playlist, playlistID)
        }
        var flags: UInt8 = 0
        let uriID: UInt32
        switch segment.uri {
        case .verbatim(let text):
            uriID = intern(text)
            flags |= ArchiveIndexColumns.Flag.verbatimURI
        case .template(let template):
            if let (last, id) = lastTemplate, last == template {
                uriID = id
            } else if let id = templateIDs[template] {
                uriID = id
                lastTemplate = (template, id)
            } else {
                uriID = UInt32(columns.templates.count)
                columns.templates.append(template)
                templateIDs[template] = uriID
                lastTemplate = (template, uriID)
            }
        }
        if segment.discontinuity { flags |= ArchiveIndexColumns.Flag.discontinuity }
        if segment.dated {
            flags |= ArchiveIndexColumns.Flag.dated
            columns.hasDates = true
        }
        let startsSpan: Bool
        if global == first {
            startsSpan = true
        } else {
            let previous = global - 1
            startsSpan =
                segment.discontinuity || columns.initID(previous) != initID
                || abs(segment.date - columns.endDate(previous)) > Self.spanGapMilliseconds
        }
        if startsSpan {
            flags |= ArchiveIndexColumns.Flag.spanStart
            columns.spanStarts.append(global)
        }
        let chunkIndex = columns.chunks.count - 1
        columns.chunks[chunkIndex].sequenceNumber.append(Int64(segment.sequenceNumber))
        columns.chunks[chunkIndex].date.append(segment.date)
        columns.chunks[chunkIndex].durationMicroseconds.append(segment.durationMicroseconds)
        columns.chunks[chunkIndex].size.append(Int64(segment.size))
        columns.chunks[chunkIndex].startMicroseconds.append(columns.endMicroseconds)
        columns.chunks[chunkIndex].discontinuitiesBefore.append(columns.discontinuitiesAtEnd)
        columns.chunks[chunkIndex].uri.append(uriID)
        columns.chunks[chunkIndex].initURI.append(initID)
        columns.chunks[chunkIndex].playlist.append(playlistID)
        columns.chunks[chunkIndex].flags.append(flags)
        columns.endMicroseconds += Int64(segment.durationMicroseconds)
        if segment.discontinuity { columns.discontinuitiesAtEnd += 1 }
        columns.end += 1
        keptSize += segment.size
    }

    mutating func append(_ segment: ArchiveSegment, dated: Bool = true) {
        append(Self.decoded(segment, dated: dated))
    }

    static func decoded(_ segment: ArchiveSegment, dated: Bool) -> DecodedSegment {
        DecodedSegment(
            sequenceNumber: segment.sequenceNumber, date: segment.date,
            durationMicroseconds: UInt32(clamping: Int64((segment.duration * 1_000_000).rounded())), size: segment.size,
            discontinuity: segment.discontinuity, dated: dated,
            uri: ArchiveSegmentURI(uri: segment.uri, sequenceNumber: segment.sequenceNumber),
            initURI: segment.initURI, playlist: segment.playlist)
    }

    /// Retention: forgets every segment up to `sequenceNumber`, now and when appended later.
    mutating func retire(through sequenceNumber: Int) {
        guard sequenceNumber > (retiredThrough ?? Int.min) else { return }
        retiredThrough = sequenceNumber
        while first < columns.end, columns.sequenceNumber(first) <= sequenceNumber {
            keptSize -= columns.size(first)
            first += 1
        }
        // The first kept segment starts a span (nothing before it is kept).
        if first < columns.end, columns.flags(first) & ArchiveIndexColumns.Flag.spanStart == 0 {
            let (c, o) = columns.locate(first)
            columns.chunks[c].flags[o] |= ArchiveIndexColumns.Flag.spanStart
            let position = columns.spanStarts.firstIndex { $0 > first } ?? columns.spanStarts.count
            columns.spanStarts.insert(first, at: position)
        }
        let dropStart = columns.spanStarts.firstIndex { $0 >= first } ?? columns.spanStarts.count
        columns.spanStarts.removeFirst(dropStart)
        let wholeChunks = (first >> ArchiveIndexColumns.chunkShift) - (columns.base >> ArchiveIndexColumns.chunkShift)
        if wholeChunks > 0 {
            columns.chunks.removeFirst(min(wholeChunks, columns.chunks.count))
            columns.base += wholeChunks << ArchiveIndexColumns.chunkShift
        }
    }

    private mutating func intern(_ text: String) -> UInt32 {
        if let id = stringIDs[text] { return id }
        let id = UInt32(columns.strings.count)
        columns.strings.append(text)
        stringIDs[text] = id
        return id
    }

    /// The snapshot of what has been appended so far.
    func snapshot(ended: Bool = false, discontinuityBase: Int = 0, targetDuration: Int = 0, independentSegments: Bool = false)
        -> ArchiveIndex
    {
        ArchiveIndex(
            columns: columns, first: first, totalSize: keptSize, ended: ended, discontinuityBase: discontinuityBase,
            declaredTargetDuration: targetDuration, independentSegments: independentSegments, retiredThrough: retiredThrough)
    }
}
