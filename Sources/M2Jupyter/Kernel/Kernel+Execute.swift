import Foundation
import M2Script

extension Kernel {
    /// Runs a cell: `execute_input`, its outputs as they come, then `execute_result` or
    /// `error`. Returns the `execute_reply` content.
    ///
    /// `execution_count` grows by one for each cell run with `store_history` (the default;
    /// `silent` implies no history and no outputs). Errors read like the REPL's:
    /// `<cell:N>:line:col: error: …`, the source line and a caret.
    func execute(_ request: Message) -> JSON {
        let code = request.content["code"]?.string ?? ""
        let silent = request.content["silent"]?.bool ?? false
        let storeHistory = !silent && (request.content["store_history"]?.bool ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent { publisher.publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request) }

        output.begin(parent: request, silent: silent)
        let outcome = session.run(source: code, file: "<cell:\(count)>")
        output.end()

        switch outcome {
        case .value(let value):
            if !silent, let data = RichDisplay.result(value) {
                if storeHistory { session.interpreter.globals.define("_", value) }
                publisher.publish("execute_result", ["execution_count": .int(count), "data": .object(data), "metadata": [:]], parent: request)
            }
            var expressions: [String: JSON] = [:]
            for (name, expression) in request.content["user_expressions"]?.object ?? [:] {
                expressions[name] = userExpression(expression.string ?? "")
            }
            return ["status": "ok", "execution_count": .int(count), "user_expressions": .object(expressions), "payload": []]
        case .failure(let errors):
            let error = Kernel.errorContent(errors)
            if !silent { publisher.publish("error", error, parent: request) }
            var reply = error.object ?? [:]
            reply["status"] = "error"
            reply["execution_count"] = .int(count)
            return .object(reply)
        }
    }

    /// `ename`, `evalue` and `traceback` of a failed run: the kind (`syntax error`,
    /// `runtime error`, `interrupted`), the first message, and every error rendered as the
    /// REPL prints it, one traceback entry per line.
    static func errorContent(_ errors: [ScriptError]) -> JSON {
        let first = errors.first
        let name: String
        switch first?.kind {
        case .syntax?: name = "syntax error"
        case .interrupted?: name = "interrupted"
        default: name = "runtime error"
        }
        let lines = errors.flatMap { $0.rendered.split(separator: "\n", omittingEmptySubsequences: false).map { JSON.string(String($0)) } }
        return ["ename": .string(name), "evalue": .string(first?.message ?? ""), "traceback": .array(lines)]
    }

    /// One of `user_expressions`, evaluated after the cell: its display data, or its error.
    private func userExpression(_ source: String) -> JSON {
        switch session.run(source: source, file: "<user_expression>") {
        case .value(let value):
            return ["status": "ok", "data": .object(RichDisplay.result(value) ?? ["text/plain": "nil"]), "metadata": [:]]
        case .failure(let errors):
            var content = Kernel.errorContent(errors).object ?? [:]
            content["status"] = "error"
            return .object(content)
        }
    }
}
