import ArgumentParser
import M2Script

/// `m2t`: the command line of M2T. With no arguments it opens the REPL (or runs a script
/// piped to standard input).
@main
struct M2TCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "m2t",
        abstract: "Momentum² Teacher: explore and run self-supervised pre-training.",
        subcommands: [ReplCommand.self, RunCommand.self, NotebookCommand.self, KernelCommand.self, PretrainCommand.self, EvalCommand.self,
                      ViewsCommand.self, BenchCommand.self, SummaryCommand.self],
        defaultSubcommand: ReplCommand.self)

    /// Every command runs on OpenBLAS's portable kernel family first (``BLASKernels``), so
    /// that a run prints the same digits on every x86-64 CPU with AVX2.
    static func main() {
        BLASKernels.runPortableFamily()
        main(nil)
    }
}
