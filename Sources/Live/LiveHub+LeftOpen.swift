import Ingest
import Packager

extension LiveHub {
    /// Streams under the root whose playlist a previous run of the server left open (it was
    /// killed, crashed or lost power while they were published): each is treated as a stream
    /// whose publisher just went. A publisher that comes back within the idle timeout continues
    /// it; otherwise it is ended like any idle stream (`EXT-X-ENDLIST`), so that it does not
    /// stay "live" for ever. Called once when the server starts (`LiveHubService`).
    public func adoptStreamsLeftOpen() {
        let names: [String]
        do {
            names = try openedRoot().fileNames().filter(StreamName.isValid).sorted()
        } catch {
            logger.warning("live: cannot look for streams a previous run left open: \(error)")
            return
        }
        for name in names where entries[name] == nil {
            do {
                let directory = try checkedDirectory(of: name, opened: nil)
                guard
                    let leftOpen = try StreamPackager.playlistLeftOpen(
                        in: directory, configuration: configuration.packager(for: name))
                else { continue }
                entries[name] = Entry(directory: directory, playlistLeftOpen: leftOpen, idleTimer: idleTimer(name: name))
                logger.info(
                    "live \(name): left open by a previous run; ending the playlist in \(configuration.idleTimeout) unless its publisher comes back"
                )
            } catch {
                logger.warning("live \(name): left as it is: \(error)")
            }
        }
    }

    /// Ends the playlist of a stream left open whose publisher did not come back.
    func endLeftOpen(name: String, entry: Entry) {
        guard let leftOpen = entry.playlistLeftOpen, let directory = entry.directory else { return }
        do {
            if try StreamPackager.endPlaylistLeftOpen(leftOpen, in: directory, configuration: configuration.packager(for: name)) {
                endedSinceSyncStarted = true
                // Its archive playlist of the period it stopped in was left open with it.
                _ = try StreamPackager.endArchivePlaylistLeftOpen(in: directory)
                logger.info("live \(name): ended the playlist a previous run left open")
            } else {
                logger.info("live \(name): the playlist a previous run left open changed since (another writer); left as it is")
            }
        } catch {
            logger.warning("live \(name): could not end the playlist a previous run left open: \(error)")
        }
    }
}
