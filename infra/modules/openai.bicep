// Azure OpenAI with one chat model deployment. Key auth is off: the app identity calls it
// with an Entra token, and so can the person who deployed it, for local runs.

@description('Name of the Azure OpenAI account, also its custom subdomain.')
param name string

@description('Azure region of the account; pick one where the chosen model and SKU are offered.')
param location string

@description('Tags applied to the account.')
param tags object = {}

@description('Name of the chat model deployment the app calls.')
param deploymentName string

@description('Model name, such as gpt-4o-mini.')
param modelName string

@description('Model version, such as 2024-07-18.')
param modelVersion string

@description('Deployment SKU: GlobalStandard, DataZoneStandard or Standard.')
param deploymentSku string

@description('Deployment capacity in thousands of tokens per minute.')
@minValue(1)
param capacity int

@description('Principal id of the app identity that calls the model.')
param appPrincipalId string

@description('Principal id of the person running the deployment, allowed to call the model from a local run; empty for none.')
param userPrincipalId string = ''

// Cognitive Services OpenAI User: call deployments, nothing else.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  //checkov:skip=CKV_AZURE_134:Public network access stays on: the Flex Consumption app reaches the model without a virtual network; every call needs an Entra token (local auth off).
  //checkov:skip=CKV_AZURE_238:The account calls no other service, so it needs no identity of its own; callers authenticate with theirs.
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
    }
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSku
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

resource appRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, openAiUserRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, openAiUserRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: userPrincipalId
  }
}

output name string = account.name
output endpoint string = account.properties.endpoint
output deploymentName string = deployment.name
