import ArgumentParser

/// `m2t`: the command line of M2T.
@main
struct M2TCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "m2t",
        abstract: "Momentum² Teacher: explore and run self-supervised pre-training.",
        subcommands: [ReplCommand.self, PretrainCommand.self, EvalCommand.self, ViewsCommand.self, BenchCommand.self, SummaryCommand.self],
        defaultSubcommand: ReplCommand.self)
}
