import CLibFuzzer
import Foundation

// SwiftPM names an executable's entry point `FuzzScript_main` and links `main` to it, so
// libFuzzer's own `main` is never used (and `-parse-as-library`, which drops the entry point,
// fails to link: swiftlang/swift#75800). This file is the entry point: it hands the command
// line to libFuzzer's driver, which calls `fuzzOneInput` once per input.
var arguments = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argv, fuzzOneInput))
