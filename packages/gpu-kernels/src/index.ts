/**
 * @pretrain/gpu-kernels
 *
 * @since 0.1.0
 */
export {}
