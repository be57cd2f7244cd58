fn main() -> std::process::ExitCode {
    tiyan::cli::main()
}
