import Foundation

// MARK: - Assassinations and succession (MODEL.md mechanism 10)

extension Simulation {
    /// December 1926: a young Chekist fires at Stalin in the Kremlin grounds (seed 000).
    mutating func decideTheDecember1926Attempt() {
        let p = parameters
        let attemptDraw = stream.uniform()
        let successDraw = stream.uniform()
        guard attemptDraw < p.stalin1926AttemptProbability else { return }
        events.stalinAttempted1926 = true
        guard successDraw < p.stalin1926AttemptSuccess else { return }
        events.stalinDied1926 = true
        chooseSuccessor()
        considerTerror(afterShockIn: 1926)
    }

    /// December attempts: on Kirov in 1934, and a background hazard for whoever leads. A death
    /// brings a succession and is a shock that may turn into terror.
    mutating func decideAssassinationsAndSuccession() {
        let p = parameters
        let kirovAttemptDraw = stream.uniform()
        let kirovSuccessDraw = stream.uniform()
        let leaderAttemptDraw = stream.uniform()
        let leaderSuccessDraw = stream.uniform()
        var shock = false
        if year == 1934 && state.kirovAlive && kirovAttemptDraw < p.kirov1934AttemptProbability {
            events.kirovAttempted1934 = true
            if kirovSuccessDraw < p.kirov1934AttemptSuccess {
                events.kirovKilled1934 = true
                state.kirovAlive = false
                shock = true
                if state.leader == .kirov { chooseSuccessor() }
            }
        }
        if leaderAttemptDraw < p.leaderAttemptProbabilityPerYear && leaderSuccessDraw < p.leaderAttemptSuccess {
            events.leaderAssassinatedLater = true
            if state.leader == .kirov { state.kirovAlive = false }
            chooseSuccessor()
            shock = true
        }
        if shock { considerTerror(afterShockIn: year) }
    }

    /// The Central Committee chooses by faction weight (seed 000: the Stalinist-packed Committee
    /// elects Molotov; Rykov stays premier). Before the Great Turn, Stalin's own faction stands with
    /// Molotov and the Right's Rykov; after it, a Stalinist heir carries the turn on.
    mutating func chooseSuccessor() {
        let weights = state.factionWeights
        let total = weights.stalinist + weights.centre + weights.right + weights.left
        var draw = stream.uniform() * total
        let faction: Faction
        if draw < weights.stalinist { faction = .stalinist } else {
            draw -= weights.stalinist
            if draw < weights.centre { faction = .centre } else {
                draw -= weights.centre
                faction = draw < weights.right ? .right : .left
            }
        }
        switch faction {
        case .stalinist:
            if state.greatTurnYear == nil { state.leader = .molotovRykov } else {
                state.leader = state.kirovAlive ? .kirov : .kaganovich
            }
        case .centre: state.leader = .molotovRykov
        case .right: state.leader = .bukharinRykov
        case .left: state.leader = .zinovievKamenev
        }
        events.successions += 1
    }
}
