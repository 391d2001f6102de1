#include "core/limits.h"

static const le_limits loihi1 = {
    .cores_per_chip = 128,
    .cx_per_core = 1024,
    .in_axons_per_core = 4096,
    .out_axons_per_core = 2048,
    .out_axons_per_core_onchip = 4096,
    .dest_cores_per_neuron = 512,
    .synapse_bits_per_core = 16384u * 64u,
    .max_delay = 62,
    .weight_exp_min = -8,
    .weight_exp_max = 7,
    .dendrite_acc_bits = 22,
    .synapses_per_block = 64,
    .block_header_bits = 10,
    .sram_word_bits = 64,
    .pop_cx_base_max = 255,
    .pop16_base_align = 4,
    .pop16_atom_bits_max = 9,
    .pop_idx_bits_max = 12,
};

const le_limits *le_limits_loihi1(void) { return &loihi1; }
