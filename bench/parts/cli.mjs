export const needs = [];
export async function cliPart() { return []; }
