// Playlist rewrite cost against playlist length: `PlaylistWriter.write` (every entry rendered
// each time) against `IncrementalPlaylistWriter` (only the new entry), for the EVENT playlist a
// live stream rewrites after every segment. Compiled together with Sources/Playlist by run.sh.
import Foundation

func microseconds(_ start: Date, _ count: Int) -> String {
    String(format: "%.1f", Date().timeIntervalSince(start) / Double(count) * 1e6)
}

func measure(listed: Int, writes: Int) {
    func segment(_ number: Int) -> MediaSegment {
        MediaSegment(
            uri: "seg\(number).m4s", duration: 2 + Double(number % 3) / 1000, map: MediaInitializationSection(uri: "init.mp4"))
    }
    var playlist = MediaPlaylist(targetDuration: 2, playlistType: .event, independentSegments: true)
    playlist.segments = (0..<listed).map(segment)
    var bytes = 0  // printed, so that the writes are not optimised away

    // Every entry rendered, as before: the cost depends only on how many are listed.
    var start = Date()
    for _ in 0..<writes { bytes &+= PlaylistWriter.write(playlist).utf8.count }
    let full = microseconds(start, writes)

    // Incrementally: one segment appended before each write, as a live stream does.
    var writer = IncrementalPlaylistWriter()
    bytes &+= writer.write(playlist).utf8.count
    start = Date()
    for number in listed..<listed + writes {
        playlist.segments.append(segment(number))
        bytes &+= writer.write(playlist).utf8.count
    }
    let incremental = microseconds(start, writes)
    print("\(listed) segments listed: every entry rendered \(full) us, incremental \(incremental) us per write (\(bytes) bytes)")
}

for listed in [10, 150, 1800] { measure(listed: listed, writes: 200) }
