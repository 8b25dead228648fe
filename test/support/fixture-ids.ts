// Stable ids from fixtures/contoso-tenant.json, named for what the tests use them for.
export const TENANT_ID = '5ee02f6f-a6ba-5275-b785-41bc607c001c';
export const users = {
  megan: { id: 'd17b9743-c9fd-59a8-adc7-4023de8a4719', name: 'Megan Bowen' }, // approver (Power Platform Admins)
  nestor: { id: '135df0a5-72d2-59b1-bcc2-ffb1232d4fbc', name: 'Nestor Wilke' }, // approver
  patti: { id: '4ae9ae11-697a-53cf-a0aa-bfd8794b7945', name: 'Patti Fernandez' }, // approver + senior approver
  adele: { id: '260c90d6-34d9-5c1d-9e59-79b58950a8cb', name: 'Adele Vance' }, // maker, Finance
  alex: { id: '1205d490-732f-537a-acd3-a0aa663f609f', name: 'Alex Wilber' }, // maker, Marketing, not an approver
  lidia: { id: 'dba1b024-f658-57bb-b502-359ca799ca41', name: 'Lidia Holloway' }, // no Power Apps licence
  johanna: { id: '24126d3b-3c9c-51f9-bb95-3135907ba515', name: 'Johanna Lorenz' }, // Basic User in Contoso Test
};
export const envs = {
  default: 'Default-5ee02f6f-a6ba-5275-b785-41bc607c001c',
  contosoDev: '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6', // Sandbox, no Dataverse; Adele is a maker there
  contosoTest: 'd9f45590-b8cf-5fa5-8c9b-3e274c95c4ad', // Sandbox, Dataverse
  financeSandbox: '54a675c4-fce1-5360-a97a-d9790d9b8e5c', // Sandbox, Dataverse
  marketingSandbox: 'f91ab5a8-0394-5ba2-bed5-57d89cdce93a', // Sandbox, no Dataverse
  itTools: '9ffb3411-2f19-514e-9725-e89e27060158', // Production, no Dataverse
  hrDev: 'e44d2dbf-b4a1-5c0b-8d0c-6a7eac0b8e5e', // Developer, Dataverse; Diego Siciliani's own
};
export const team = {
  id: '19:aef837a0ac9f55b49fc9c8e17fc8b66c@thread.tacv2',
  name: 'Power Platform Governance',
  general: '19:b64eaf4449f75448bbf42d008cbdd672@thread.tacv2',
  approvals: '19:5d097966257d578b9039044ba4f75001@thread.tacv2',
  audit: '19:7d0aff8bebed5a468908c00b74bb4f63@thread.tacv2',
  news: '19:2ca1257928fe524db737d993ad14b9b3@thread.tacv2',
};
export const groups = {
  admins: 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8',
  senior: 'ba8fda5a-0602-56fe-a628-5f7d19e4933e',
};
