fn main() -> std::process::ExitCode {
    hallq_server::cli::main()
}
