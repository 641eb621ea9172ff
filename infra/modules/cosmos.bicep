// Cosmos DB for NoSQL: the account, the database and the containers the Cosmos store uses,
// with local (key) auth switched off. The database, container names, partition keys and
// indexing policies live in cosmos-layout.json, and a test holds them to the Cosmos store's.
//
// No change feed is read by the app, so there is no `leases` container.

@description('Name of the Cosmos DB account: lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object = {}

@description('serverless (pay per request, nothing at rest) or provisioned (shared autoscale throughput on the database).')
@allowed([
  'serverless'
  'provisioned'
])
param capacityMode string = 'serverless'

@description('Highest request units per second the database autoscales to, when capacityMode is provisioned.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Principal id of the app identity that reads and writes the data.')
param appPrincipalId string

@description('Principal id of the person running the deployment, given data access for local runs against this account; empty for none.')
param userPrincipalId string = ''

var layout = loadJsonContent('../cosmos-layout.json')

// Cosmos DB Built-in Data Contributor: read and write items, no control-plane rights.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

var serverless = capacityMode == 'serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  //checkov:skip=CKV_AZURE_99:No IP or virtual network filter: the Flex Consumption app has no fixed outbound address without a virtual network; every request needs an Entra token (local auth off).
  //checkov:skip=CKV_AZURE_101:Public network access stays on for the same reason as CKV_AZURE_99; private endpoints are an opt-in hardening described in docs/deploy.md.
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: serverless ? [
      {
        name: 'EnableServerless'
      }
    ] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: layout.database
  properties: {
    resource: {
      id: layout.database
    }
    // Serverless accounts refuse any throughput setting; provisioned ones share one autoscale
    // budget across the containers, which is cheaper than a minimum per container.
    options: serverless ? {} : {
      autoscaleSettings: {
        maxThroughput: autoscaleMaxThroughput
      }
    }
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for container in layout.containers: {
  parent: database
  name: container.name
  properties: {
    resource: {
      id: container.name
      partitionKey: {
        paths: [
          container.partitionKey
        ]
        kind: 'Hash'
      }
      // Only the paths the store filters or sorts on: every indexed path adds to each write.
      indexingPolicy: container.indexingPolicy
    }
  }
}]

resource appDataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: appPrincipalId
    scope: account.id
  }
}

resource userDataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = if (!empty(userPrincipalId)) {
  parent: account
  name: guid(account.id, userPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: userPrincipalId
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
