@_exported import M2Tensor
