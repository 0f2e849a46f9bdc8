export default async function staticChecks() {}
