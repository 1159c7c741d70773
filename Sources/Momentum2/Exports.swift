@_exported import M2NN
@_exported import M2Data
