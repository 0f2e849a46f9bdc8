export default async function requestChecks() {}
