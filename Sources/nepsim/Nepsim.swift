import ArgumentParser
@main struct Nepsim: ParsableCommand { func run() {} }
