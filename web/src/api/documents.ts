// Every operation the client sends. graphql-codegen checks each against
// ../schema.graphql and types it (generated/), so a schema change that
// breaks one fails `npm run build`.
import { graphql } from '../../generated';

// Selections several operations share: with fragment masking off, each
// operation's result type holds the fields inline.
export const QuoteFieldsFragment = graphql(`
  fragment QuoteFields on Quote {
    symbol
    bid
    ask
    last
    open
    high
    low
    volume
    change
    changePercent
    at
    sequence
  }
`);

export const OrderFieldsFragment = graphql(`
  fragment OrderFields on Order {
    id
    symbol
    side
    type
    timeInForce
    quantity
    filledQuantity
    remainingQuantity
    limitPrice
    stopPrice
    averageFillPrice
    status
    reason
    createdAt
    updatedAt
    fills {
      tradeId
      price
      quantity
      fee
      tax
      executedAt
    }
  }
`);

export const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      accessToken
      refreshToken
      expiresAt
      account {
        id
        username
        displayName
        role
      }
    }
  }
`);

export const LoginDocument = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      accessToken
      refreshToken
      expiresAt
      account {
        id
        username
        displayName
        role
      }
    }
  }
`);

export const RefreshDocument = graphql(`
  mutation Refresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      refreshToken
      expiresAt
      account {
        id
        username
        displayName
        role
      }
    }
  }
`);

export const MarketDocument = graphql(`
  query Market {
    companies {
      symbol
      name
      sector
      halted
      lastPrice
      marketCap
      tickSize
      quote {
        ...QuoteFields
      }
    }
    sectors {
      name
      changePercent
      companies {
        symbol
      }
    }
  }
`);

export const QuotesSubscription = graphql(`
  subscription Quotes($symbols: [String!]!) {
    quotes(symbols: $symbols) {
      ...QuoteFields
    }
  }
`);

export const CompanyDocument = graphql(`
  query Company($symbol: String!) {
    company(symbol: $symbol) {
      symbol
      name
      sector
      sharesOutstanding
      tickSize
      listed
      halted
      lastPrice
      marketCap
      financials {
        year
        revenue
        operatingProfit
        netIncome
        eps
        publishedAt
      }
      quote {
        ...QuoteFields
      }
    }
    trades(symbol: $symbol, limit: 60) {
      id
      price
      quantity
      aggressorSide
      executedAt
      sequence
    }
    news(limit: 50) {
      id
      symbol
      headline
      impact
      at
    }
    dividends(symbol: $symbol, limit: 20) {
      id
      amountPerShare
      declaredAt
      recordTime
      payTime
      status
      total
      note
    }
  }
`);

export const CandlesDocument = graphql(`
  query Candles($symbol: String!, $interval: CandleInterval!) {
    candles(symbol: $symbol, interval: $interval, limit: 300) {
      start
      open
      high
      low
      close
      volume
    }
  }
`);

export const BookSubscription = graphql(`
  subscription Book($symbol: String!) {
    orderBook(symbol: $symbol, depth: 10) {
      symbol
      sequence
      bids {
        price
        quantity
        orders
      }
      asks {
        price
        quantity
        orders
      }
    }
  }
`);

export const TradesSubscription = graphql(`
  subscription Trades($symbol: String!) {
    trades(symbol: $symbol) {
      id
      price
      quantity
      aggressorSide
      executedAt
      sequence
    }
  }
`);

export const NewsSubscription = graphql(`
  subscription News {
    news {
      id
      symbol
      headline
      impact
      at
    }
  }
`);

export const TicketAccountDocument = graphql(`
  query TicketAccount {
    me {
      id
      cash
      availableCash
      holdings {
        symbol
        quantity
        availableQuantity
      }
    }
  }
`);

export const PlaceOrderDocument = graphql(`
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
      symbol
      side
      type
      status
      filledQuantity
      remainingQuantity
      averageFillPrice
      reason
    }
  }
`);

export const CancelOrderDocument = graphql(`
  mutation CancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
    }
  }
`);

export const DepositDocument = graphql(`
  mutation Deposit($amount: Decimal!) {
    deposit(amount: $amount) {
      id
      kind
      amount
      cashAfter
    }
  }
`);

export const WithdrawDocument = graphql(`
  mutation Withdraw($amount: Decimal!) {
    withdraw(amount: $amount) {
      id
      kind
      amount
      cashAfter
    }
  }
`);

export const PortfolioDocument = graphql(`
  query Portfolio($year: Int!, $ledger: Int!) {
    me {
      id
      username
      displayName
      role
      accountNumber
      cash
      availableCash
      realizedGains
      company {
        symbol
        name
      }
      riskLimits {
        maxOrderValue
        maxPositionPercent
        maxOpenOrders
      }
      holdings {
        symbol
        quantity
        availableQuantity
        averageCost
        marketValue
        unrealizedGain
        company {
          name
          sector
          lastPrice
        }
      }
    }
    sectorWeights {
      sector
      marketValue
      weight
    }
    myLots {
      id
      symbol
      acquiredAt
      quantity
      remainingQuantity
      price
    }
    capitalGains(year: $year) {
      year
      totalGain
      exemption
      taxableGain
      taxRate
      estimatedTax
      realized {
        symbol
        quantity
        buyPrice
        sellPrice
        gain
        acquiredAt
        soldAt
      }
      dividends {
        symbol
        amount
        paidAt
      }
      dividendIncome
    }
    ledger(limit: $ledger) {
      id
      kind
      amount
      cashBefore
      cashAfter
      symbol
      orderId
      at
    }
  }
`);

export const OrdersDocument = graphql(`
  query Orders {
    myOrders(limit: 200) {
      ...OrderFields
    }
  }
`);

export const MyOrdersSubscription = graphql(`
  subscription MyOrders {
    myOrders {
      ...OrderFields
    }
  }
`);

export const AmendOrderDocument = graphql(`
  mutation AmendOrder($id: ID!, $quantity: Long, $limitPrice: Decimal, $stopPrice: Decimal, $clientOrderId: String) {
    amendOrder(id: $id, quantity: $quantity, limitPrice: $limitPrice, stopPrice: $stopPrice, clientOrderId: $clientOrderId) {
      ...OrderFields
    }
  }
`);

export const LeaderboardsDocument = graphql(`
  query Leaderboards {
    leaderboard(limit: 50) {
      rank
      equity
      returnPercent
      account {
        id
        username
        displayName
      }
    }
    botLeaderboard(limit: 50) {
      rank
      equity
      returnPercent
      account {
        id
        username
        displayName
      }
    }
  }
`);

export const ControlDocument = graphql(`
  query Control {
    companies(includeDelisted: true) {
      symbol
      name
      sector
      halted
      listed
      lastPrice
    }
    me {
      id
      role
      company {
        symbol
        name
      }
    }
  }
`);

export const ListCompanyDocument = graphql(`
  mutation ListCompany($input: ListCompanyInput!) {
    listCompany(input: $input) {
      symbol
    }
  }
`);
export const DelistCompanyDocument = graphql(`
  mutation DelistCompany($symbol: String!) {
    delistCompany(symbol: $symbol) {
      symbol
      listed
    }
  }
`);
export const UpdateSectorDocument = graphql(`
  mutation UpdateSector($symbol: String!, $sector: String!) {
    updateSector(symbol: $symbol, sector: $sector) {
      symbol
      sector
    }
  }
`);
export const HaltDocument = graphql(`
  mutation Halt($symbol: String) {
    haltTrading(symbol: $symbol)
  }
`);
export const ResumeDocument = graphql(`
  mutation Resume($symbol: String) {
    resumeTrading(symbol: $symbol)
  }
`);
export const PublishNewsDocument = graphql(`
  mutation PublishNews($input: NewsInput!) {
    publishNews(input: $input) {
      id
      headline
    }
  }
`);
export const GrantRoleDocument = graphql(`
  mutation GrantRole($accountId: ID!, $role: Role!) {
    grantRole(accountId: $accountId, role: $role) {
      id
      username
      role
    }
  }
`);
export const PublishFinancialsDocument = graphql(`
  mutation PublishFinancials($input: FinancialsInput!) {
    publishFinancials(input: $input) {
      symbol
      year
      eps
    }
  }
`);
export const SetRiskLimitsDocument = graphql(`
  mutation SetRiskLimits($accountId: ID!, $limits: RiskLimitsInput!) {
    setRiskLimits(accountId: $accountId, limits: $limits) {
      id
      username
      riskLimits {
        maxOrderValue
        maxPositionPercent
        maxOpenOrders
      }
    }
  }
`);
export const DeclareDividendDocument = graphql(`
  mutation DeclareDividend($input: DeclareDividendInput!) {
    declareDividend(input: $input) {
      id
      symbol
      amountPerShare
      recordTime
      payTime
      status
    }
  }
`);

export const BotsDocument = graphql(`
  query Bots {
    botScripts {
      name
      source
      updatedAt
    }
    bots {
      id
      script
      status
      error
      params
      equity
      profit
      account {
        id
        username
      }
    }
  }
`);
export const BotsTableDocument = graphql(`
  query BotsTable {
    bots {
      id
      script
      status
      error
      params
      equity
      profit
      account {
        id
        username
      }
    }
  }
`);
export const SaveBotScriptDocument = graphql(`
  mutation SaveBotScript($name: String!, $source: String!) {
    saveBotScript(name: $name, source: $source) {
      name
      updatedAt
    }
  }
`);
export const StartBotsDocument = graphql(`
  mutation StartBots($input: StartBotInput!) {
    startBots(input: $input) {
      id
      status
    }
  }
`);
export const StopBotDocument = graphql(`
  mutation StopBot($id: ID!) {
    stopBot(id: $id) {
      id
      status
    }
  }
`);

export const ScenariosDocument = graphql(`
  query Scenarios {
    scenarioRuns {
      id
      name
      seed
      scenarioHash
      status
      startedAt
      finishedAt
      summary
    }
  }
`);
export const PauseScenarioDocument = graphql(`
  mutation PauseScenario($id: ID!) {
    pauseScenario(id: $id) {
      id
      status
    }
  }
`);
export const ResumeScenarioDocument = graphql(`
  mutation ResumeScenario($id: ID!) {
    resumeScenario(id: $id) {
      id
      status
    }
  }
`);
export const StopScenarioDocument = graphql(`
  mutation StopScenario($id: ID!) {
    stopScenario(id: $id) {
      id
      status
    }
  }
`);

export const MeDocument = graphql(`
  query Me {
    me {
      id
      username
      displayName
      role
    }
  }
`);

export const CompetitionsDocument = graphql(`
  query Competitions($signedIn: Boolean!) {
    competitions {
      id
      name
      startTime
      endTime
      status
      startingCash
      symbols
      joinCode
    }
    myCompetitions @include(if: $signedIn) {
      accountId
      joinedAt
      competition {
        id
      }
    }
    companies {
      symbol
    }
  }
`);

export const CompetitionDocument = graphql(`
  query Competition($id: ID!, $signedIn: Boolean!) {
    competition(id: $id) {
      id
      name
      startingCash
      startTime
      endTime
      symbols
      status
      commission
      minCommission
      sellTax
      riskLimits {
        maxOrderValue
        maxPositionPercent
        maxOpenOrders
      }
      joinCode
    }
    myCompetitions @include(if: $signedIn) {
      accountId
      competition {
        id
      }
    }
  }
`);

export const CompetitionStandingsSubscription = graphql(`
  subscription CompetitionStandings($id: ID!, $top: Int!) {
    competitionStandings(id: $id, top: $top) {
      rank
      accountId
      displayName
      equity
      returnPercent
      sharpeRatio
      maxDrawdown
    }
  }
`);

export const CreateCompetitionDocument = graphql(`
  mutation CreateCompetition($input: CreateCompetitionInput!) {
    createCompetition(input: $input) {
      id
      name
      joinCode
      status
    }
  }
`);

export const JoinCompetitionDocument = graphql(`
  mutation JoinCompetition($code: String!) {
    joinCompetition(code: $code) {
      accountId
      competition {
        id
        name
      }
    }
  }
`);

export const CompetitionTokenDocument = graphql(`
  mutation CompetitionToken($competitionId: ID!) {
    competitionToken(competitionId: $competitionId) {
      accessToken
      refreshToken
      expiresAt
      account {
        id
        username
        displayName
        role
      }
    }
  }
`);

export const PerformanceDocument = graphql(`
  query Performance($from: DateTime, $to: DateTime, $riskFreeRate: Decimal) {
    myPerformance(from: $from, to: $to, riskFreeRate: $riskFreeRate) {
      from
      to
      equityCurve {
        at
        equity
      }
      totalReturn
      volatility
      sharpeRatio
      maxDrawdown {
        fraction
        peakAt
        troughAt
        recoveredAt
      }
      winRate
      turnover
      riskFreeRate
    }
  }
`);

export const WatchlistsDocument = graphql(`
  query Watchlists {
    myWatchlists {
      id
      name
      symbols
      createdAt
      quotes {
        ...QuoteFields
      }
    }
    companies {
      symbol
    }
  }
`);

export const CreateWatchlistDocument = graphql(`
  mutation CreateWatchlist($name: String!, $symbols: [String!]) {
    createWatchlist(name: $name, symbols: $symbols) {
      id
      name
      symbols
      createdAt
      quotes {
        ...QuoteFields
      }
    }
  }
`);

export const UpdateWatchlistDocument = graphql(`
  mutation UpdateWatchlist($id: ID!, $name: String, $symbols: [String!]) {
    updateWatchlist(id: $id, name: $name, symbols: $symbols) {
      id
      name
      symbols
      createdAt
      quotes {
        ...QuoteFields
      }
    }
  }
`);

export const DeleteWatchlistDocument = graphql(`
  mutation DeleteWatchlist($id: ID!) {
    deleteWatchlist(id: $id)
  }
`);

export const AlertsDocument = graphql(`
  query Alerts {
    myAlerts(status: [ACTIVE]) {
      id
      symbol
      kind
      level
      triggerPrice
      status
      createdAt
      firedAt
      firedPrice
      cancelledAt
    }
    alertHistory(limit: 50) {
      id
      symbol
      kind
      level
      triggerPrice
      status
      createdAt
      firedAt
      firedPrice
      cancelledAt
    }
    companies {
      symbol
      lastPrice
      quote {
        ...QuoteFields
      }
    }
  }
`);

export const CreateAlertDocument = graphql(`
  mutation CreateAlert($symbol: String!, $kind: AlertKind!, $level: Decimal!) {
    createAlert(symbol: $symbol, kind: $kind, level: $level) {
      id
      symbol
      kind
      level
      triggerPrice
      status
      createdAt
      firedAt
      firedPrice
      cancelledAt
    }
  }
`);

export const CancelAlertDocument = graphql(`
  mutation CancelAlert($id: ID!) {
    cancelAlert(id: $id) {
      id
      status
      cancelledAt
    }
  }
`);

export const MyAlertsSubscription = graphql(`
  subscription MyAlerts {
    myAlerts {
      id
      symbol
      kind
      level
      triggerPrice
      status
      createdAt
      firedAt
      firedPrice
      cancelledAt
    }
  }
`);

export const IndicatorsDocument = graphql(`
  query Indicators($symbol: String!, $interval: CandleInterval!, $overlays: [IndicatorKind!]!, $period: Int!, $withOverlays: Boolean!, $withRsi: Boolean!) {
    overlays: indicators(symbol: $symbol, interval: $interval, kinds: $overlays, period: $period, limit: 300) @include(if: $withOverlays) {
      kind
      points {
        start
        value
        upper
        lower
      }
    }
    rsi: indicators(symbol: $symbol, interval: $interval, kinds: [RSI], period: 14, limit: 300) @include(if: $withRsi) {
      kind
      points {
        start
        value
      }
    }
  }
`);
