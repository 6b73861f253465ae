//! RIPEMD-160 of a 32-byte input (a SHA-256 digest), for a permit signer's address. Our own
//! because the `ripemd` crate unrolls all 160 steps of its compression into straight code,
//! about 6 KB of wasm; these loops over the standard's tables are about a fifth of that. Only
//! one input length is needed, so the padding is fixed: one block.

const R_LEFT: [u8; 80] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5,
    2, 14, 11, 8, 3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12, 1, 9, 11, 10, 0, 8, 12, 4,
    13, 3, 7, 15, 14, 5, 6, 2, 4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
];
const R_RIGHT: [u8; 80] = [
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12, 6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12,
    4, 9, 1, 2, 15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13, 8, 6, 4, 1, 3, 11, 15, 0, 5,
    12, 2, 13, 9, 7, 10, 14, 12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
];
const S_LEFT: [u8; 80] = [
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8, 7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15,
    9, 11, 7, 13, 12, 11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5, 11, 12, 14, 15, 14,
    15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12, 9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
];
const S_RIGHT: [u8; 80] = [
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6, 9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12,
    7, 6, 15, 13, 11, 9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5, 15, 5, 8, 11, 14, 14,
    6, 14, 6, 9, 12, 9, 12, 5, 15, 8, 8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
];
const K_LEFT: [u32; 5] = [
    0x0000_0000,
    0x5A82_7999,
    0x6ED9_EBA1,
    0x8F1B_BCDC,
    0xA953_FD4E,
];
const K_RIGHT: [u32; 5] = [
    0x50A2_8BE6,
    0x5C4D_D124,
    0x6D70_3EF3,
    0x7A6D_76E9,
    0x0000_0000,
];
const H0: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// The nonlinear function of round `round` (0..5).
fn f(round: usize, x: u32, y: u32, z: u32) -> u32 {
    match round {
        0 => x ^ y ^ z,
        1 => (x & y) | (!x & z),
        2 => (x | !y) ^ z,
        3 => (x & z) | (y & !z),
        _ => x ^ (y | !z),
    }
}

/// One line of the compression: 80 steps over `x`, from the chaining value `h`. The right line
/// runs the rounds' functions in reverse order.
fn line(h: &[u32; 5], x: &[u32; 16], right: bool) -> [u32; 5] {
    let (r, s, k) = if right {
        (&R_RIGHT, &S_RIGHT, &K_RIGHT)
    } else {
        (&R_LEFT, &S_LEFT, &K_LEFT)
    };
    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for j in 0..80 {
        let round = j / 16;
        let fj = if right {
            f(4 - round, b, c, d)
        } else {
            f(round, b, c, d)
        };
        let t = a
            .wrapping_add(fj)
            .wrapping_add(x[r[j] as usize])
            .wrapping_add(k[round])
            .rotate_left(s[j] as u32)
            .wrapping_add(e);
        a = e;
        e = d;
        d = c.rotate_left(10);
        c = b;
        b = t;
    }
    [a, b, c, d, e]
}

pub fn ripemd160_of_32(input: &[u8; 32]) -> [u8; 20] {
    // The only block: the input, the 0x80 marker, zeros, and the length in bits (256),
    // little-endian.
    let mut x = [0u32; 16];
    for (i, word) in input.chunks_exact(4).enumerate() {
        x[i] = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
    }
    x[8] = 0x80;
    x[14] = 256;
    let l = line(&H0, &x, false);
    let r = line(&H0, &x, true);
    let h = [
        H0[1].wrapping_add(l[2]).wrapping_add(r[3]),
        H0[2].wrapping_add(l[3]).wrapping_add(r[4]),
        H0[3].wrapping_add(l[4]).wrapping_add(r[0]),
        H0[4].wrapping_add(l[0]).wrapping_add(r[1]),
        H0[0].wrapping_add(l[1]).wrapping_add(r[2]),
    ];
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ripemd160_of_32;
    use ripemd::{Digest, Ripemd160};

    #[test]
    fn matches_the_ripemd_crate() {
        // A simple generator is enough: the inputs only need to differ in every byte position.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2_000 {
            let mut input = [0u8; 32];
            for b in input.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let expected: [u8; 20] = Ripemd160::digest(input).into();
            assert_eq!(ripemd160_of_32(&input), expected, "{input:?}");
        }
        let expected: [u8; 20] = Ripemd160::digest([0u8; 32]).into();
        assert_eq!(ripemd160_of_32(&[0u8; 32]), expected);
    }
}
