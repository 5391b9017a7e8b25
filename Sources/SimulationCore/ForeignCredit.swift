import Foundation

// MARK: - Foreign credit (MODEL.md mechanism 9)

extension Simulation {
    /// State loans arrive as chance events: likelier for an open leadership, with a British Labour
    /// government (1929-1931), or once Tsarist debts are settled with France; the Depression dries
    /// credit up (seed 000 Resolving the Scissor Crisis; Salvador79's objection on German loans).
    mutating func arrangeForeignCredit() {
        let p = parameters
        let openness = p.propensities(of: state.leader).openness
        let franceDraw = stream.uniform()
        let loanDraw = stream.uniform()
        if !state.frenchCreditOpen && franceDraw < p.franceDebtSettlementProbability * openness {
            state.frenchCreditOpen = true
        }
        var chance = p.loanBaseProbability * openness * scratch.creditFactor
        if (1929...1931).contains(year) { chance += p.labourGovernmentLoanBoost * openness }
        if state.frenchCreditOpen { chance += p.loanBaseProbability * openness * scratch.creditFactor }
        if loanDraw < min(1, chance) {
            scratch.newCreditMRubles = p.loanSizeMRubles
            events.foreignLoans += 1
        }
        // A long-term German loan against future deliveries of grain and oil (seed 000 L294),
        // its own chance in the Rapallo years before the Nazis: small, since the Reich and its
        // central bank had no reserves to lend (Salvador79's objection, seed 000 L382).
        // (Drawn only in the loan's window: the core runs 100,000 times a second.)
        if !events.germanLoan, !state.naziInPower, year <= Int(p.germanLoanLastYear),
           stream.uniform() < p.germanLoanProbability * openness {
            scratch.newCreditMRubles += p.germanLoanSizeMRubles
            events.germanLoan = true
            events.foreignLoans += 1
        }
        // Part of a loan buys consumer goods for the villages (goods to buy close the scissors)
        // and grain for the reserve, not only machinery (seed 000 Resolving the Scissor Crisis).
        if scratch.newCreditMRubles > 0 {
            scratch.importedConsumerGoods = scratch.newCreditMRubles * p.loanConsumerGoodsShare * p.capitalPerMillionRubles
            state.importedConsumerGoodsLastYear = scratch.importedConsumerGoods
            state.grainReservesMt += scratch.newCreditMRubles * p.loanGrainShare
                / (p.grainPriceRublesPerTonne1929 * scratch.worldGrainPriceFactor)
        } else {
            state.importedConsumerGoodsLastYear = 0
        }
        // Debt service comes first out of the year's hard currency.
        let service = state.foreignDebtMRubles * p.debtServiceRate
        state.foreignDebtMRubles -= service
        scratch.hardCurrencyMRubles = -service
    }
}
