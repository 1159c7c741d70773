import ArgumentParser
import Foundation
import M2Jupyter

/// `m2t kernel -f CONNECTION_FILE`: the Jupyter kernel; `m2t kernel install`: its kernelspec.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "The Jupyter kernel of the M2T language (started by Jupyter from the kernelspec).",
        discussion: "Run 'm2t kernel install --user' once; JupyterLab, Notebook and VS Code then offer the \"M2T\" kernel. See docs/notebooks.md.",
        subcommands: [KernelInstallCommand.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote (ports and signing key).", valueName: "connection-file"))
    var connectionFile: String?

    func run() throws {
        guard let connectionFile else { throw ValidationError("the kernel needs -f CONNECTION_FILE (Jupyter passes it); 'm2t kernel install' writes the kernelspec") }
        let kernel: Kernel
        do {
            kernel = try Kernel(connection: ConnectionInfo(file: connectionFile))
        } catch {
            throw ExitMessage("m2t kernel: \(error)")
        }
        // Jupyter interrupts a kernel whose spec says interrupt_mode "signal" with SIGINT:
        // the REPL's Ctrl-C, through the program's one SIGINT handler.
        let interrupts = InterruptWatcher()
        interrupts.watch { kernel.interrupt() }
        withExtendedLifetime(interrupts) { kernel.run() }
    }
}

/// `m2t kernel install [--user | --prefix DIR]`.
struct KernelInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the kernelspec (kernels/m2t: kernel.json and logos) that starts this m2t.",
        discussion: "Without an option: /usr/local/share/jupyter/kernels/m2t (for everyone; needs root).")

    @Flag(help: "Install for the current user ($JUPYTER_DATA_DIR or ~/.local/share/jupyter).") var user = false
    @Option(help: "Install under DIR/share/jupyter (a virtualenv, a conda environment, a test's folder).") var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix exclude each other") }
    }

    func run() throws {
        let directory = Kernelspec.directory(prefix: prefix, user: user)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        do {
            try Kernelspec.install(into: directory, executable: executable)
        } catch {
            throw ExitMessage("cannot install the kernelspec in \(directory.path): \(error)")
        }
        print("installed kernelspec m2t in \(directory.path)")
    }
}
