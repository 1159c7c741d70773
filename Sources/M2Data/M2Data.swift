// M2Data — datasets, image codecs, augmentations, the two-view pipeline of Momentum²
// Teacher and a seeded, prefetching loader. See docs/data.md.
@_exported import M2Tensor
