@_exported import Momentum2
