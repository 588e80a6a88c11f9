import ArgumentParser

@main
struct HLSSeg: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hlsseg",
        abstract: "Turns H.264 + AAC streams into fragmented-MP4 HLS.",
        subcommands: [SegmentCommand.self, ExportCommand.self, ServeCommand.self, IndexCommand.self]
    )
}
