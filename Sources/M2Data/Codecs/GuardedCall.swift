import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a C-convention body on a separate stack so that a C library's fatal-error callback
/// can abandon it and come back to the caller — what `setjmp`/`longjmp` do in C.
///
/// libjpeg reports fatal errors by calling `error_exit`, which must not return. Swift cannot
/// call `setjmp`, so the decoder runs as a coroutine (`makecontext`/`swapcontext`): the
/// error handler records the message and switches back to the caller's saved context,
/// leaving the coroutine's stack — which holds only C frames and raw pointers, no
/// reference-counted Swift values — to be freed. From Swift's side `swapcontext` is an
/// ordinary call that returns once.
enum GuardedCall {
    typealias Body = @convention(c) (UnsafeMutableRawPointer?) -> Void

    /// What a guarded body and its error handler share. Plain memory, no Swift references.
    struct Frame {
        /// The caller's context, resumed when the body ends or aborts.
        var caller: UnsafeMutablePointer<ucontext_t>
        /// The body's own context.
        var callee: UnsafeMutablePointer<ucontext_t>
        var body: Body
        var argument: UnsafeMutableRawPointer?
    }

    private typealias GetContext = @convention(c) (UnsafeMutablePointer<ucontext_t>?) -> Int32
    private typealias SwapContext = @convention(c) (UnsafeMutablePointer<ucontext_t>?, UnsafePointer<ucontext_t>?) -> Int32
    private typealias SetContext = @convention(c) (UnsafePointer<ucontext_t>?) -> Int32
    private typealias MakeContext = @convention(c) (UnsafeMutablePointer<ucontext_t>?, @convention(c) () -> Void, Int32) -> Void

    /// The libc entry points, looked up once (the importer hides them: `getcontext` may
    /// return twice and `makecontext` is variadic; called with no extra arguments it is an
    /// ordinary call).
    private struct LibC {
        let get: GetContext, swap: SwapContext, set: SetContext, make: MakeContext
    }

    private static let libc: LibC? = {
        guard let h = dlopen(nil, RTLD_NOW),
              let g = dlsym(h, "getcontext"), let s = dlsym(h, "swapcontext"),
              let t = dlsym(h, "setcontext"), let m = dlsym(h, "makecontext") else { return nil }
        return LibC(get: unsafeBitCast(g, to: GetContext.self), swap: unsafeBitCast(s, to: SwapContext.self),
                    set: unsafeBitCast(t, to: SetContext.self), make: unsafeBitCast(m, to: MakeContext.self))
    }()

    /// The frame of the coroutine being started on this thread (entry points take no
    /// arguments, so it is handed over through thread-specific storage).
    private static let frameKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Stack size of a guarded body: ample for libjpeg/libpng, which use little stack.
    static let stackSize = 1 << 20

    /// Runs `body(argument)` on its own stack. The body may call ``abandon(_:)`` (from a
    /// C callback) to stop at any depth; control then returns here.
    /// - Returns: `false` when coroutines are unavailable (the body did not run).
    static func run(_ body: Body, _ argument: UnsafeMutableRawPointer?) -> Bool {
        guard let libc else { return false }
        let caller = UnsafeMutablePointer<ucontext_t>.allocate(capacity: 1)
        let callee = UnsafeMutablePointer<ucontext_t>.allocate(capacity: 1)
        let stack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 64)
        let frame = UnsafeMutablePointer<Frame>.allocate(capacity: 1)
        defer { caller.deallocate(); callee.deallocate(); stack.deallocate(); frame.deallocate() }
        frame.initialize(to: Frame(caller: caller, callee: callee, body: body, argument: argument))
        guard libc.get(callee) == 0 else { return false }
        callee.pointee.uc_stack.ss_sp = stack
        callee.pointee.uc_stack.ss_size = stackSize
        callee.pointee.uc_link = caller
        libc.make(callee, entry, 0)
        pthread_setspecific(frameKey, frame)
        guard libc.swap(caller, callee) == 0 else { return false }
        pthread_setspecific(frameKey, nil)
        return true
    }

    /// Leaves the running guarded body for good, resuming its caller. Call only from inside
    /// a body started by ``run(_:_:)`` on this thread.
    static func abandon(_ frame: UnsafeMutablePointer<Frame>) -> Never {
        _ = libc?.set(frame.pointee.caller)
        fatalError("setcontext failed")  // unreachable: setcontext only returns on error
    }

    /// The frame of the body running on this thread.
    static func currentFrame() -> UnsafeMutablePointer<Frame>? {
        pthread_getspecific(frameKey)?.assumingMemoryBound(to: Frame.self)
    }

    private static let entry: @convention(c) () -> Void = {
        guard let frame = GuardedCall.currentFrame() else { return }
        frame.pointee.body(frame.pointee.argument)
        // Returning resumes `uc_link`, the caller.
    }
}
