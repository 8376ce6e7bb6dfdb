import { benchChangeOwner } from "./rest-change-owner.ts";

/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the same run (these
 * machines are shared and noisy). BENCH_SECONDS and BENCH_ROUNDS shorten or lengthen it.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? "10");
const rounds = Number(process.env.BENCH_ROUNDS ?? "3");

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

process.stdout.write(`roomhook benchmarks (${rounds} rounds of ${seconds} s, medians)\n\n`);
const owner = await benchChangeOwner({ seconds, rounds });
process.stdout.write(
  [
    "1. REST change_room_owner, valid UserSig, durable commit, 50 connections",
    `   bare node:http, same request shape: ${fmt(owner.bare.rps)} req/s  p50 ${owner.bare.p50} ms  p99 ${owner.bare.p99} ms`,
    `   roomhook:                           ${fmt(owner.roomhook.rps)} req/s  p50 ${owner.roomhook.p50} ms  p99 ${owner.roomhook.p99} ms  (errors ${owner.roomhook.errors}, non-2xx ${owner.roomhook.non2xx})`,
    `   ratio: ${(owner.ratio * 100).toFixed(0)}% of bare (target: at least 50%)`,
    "",
  ].join("\n"),
);
